/**
 * Waits until `settles` settles (fulfilled or rejected alike), `waitMs` milliseconds pass, or one
 * of `stops` aborts, whichever comes first; never rejects. Its timer and abort listeners are
 * removed when it resolves (its reaction on `settles` is freed when that settles). The caller then
 * looks at the state to decide what to answer.
 */
export function settleWithin(
  settles: Promise<unknown>,
  waitMs: number,
  stops: readonly AbortSignal[],
): Promise<void> {
  if (waitMs <= 0 || stops.some((s) => s.aborted)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of stops) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    for (const s of stops) s.addEventListener('abort', done, { once: true });
    settles.then(done, done);
  });
}
