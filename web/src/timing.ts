/** The timing the page shows: decode, inference and total, from the JSON body or Server-Timing. */

/** `Server-Timing: decode;dur=2.1, inference;dur=3` → { decode: 2.1, inference: 3 }. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    if (name && dur) out[name] = Number(dur.slice(4));
  }
  return out;
}

/** Rows of the timing panel: [label, milliseconds]; stages the server did not report are left out. */
export function timingRows(server: Record<string, unknown>, roundTripMs: number): [string, number][] {
  const pick = (...keys: string[]) => {
    for (const k of keys) if (typeof server[k] === 'number') return server[k] as number;
    return undefined;
  };
  const rows: [string, number | undefined][] = [
    ['Decode', pick('decodeMs', 'decode')],
    ['Inference', pick('inferenceMs', 'inference')],
    ['Total (server)', pick('totalMs', 'total')],
    ['Round trip', roundTripMs],
  ];
  return rows.filter((r): r is [string, number] => r[1] !== undefined);
}

/** Milliseconds as the page writes them. */
export const formatMs = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
