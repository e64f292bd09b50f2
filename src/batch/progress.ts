import type { Logger } from '../log.js';
import type { Shard } from './shard.js';

/** What a shard has got through so far in this run. */
export interface Counts {
  /** Inputs whose line was already in the results (earlier runs). */
  skipped: number;
  /** Inputs that succeeded in this run. */
  done: number;
  /** Inputs that failed in this run (their error is in the results). */
  failed: number;
}

/** A moment of a run, as the progress shows it. */
export interface ProgressView extends Counts {
  shard: Shard;
  /** Inputs of this shard, once the counting listing has finished. */
  total?: number;
  /** Seconds since inputs started being processed. */
  elapsedS: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Inputs run per second (done and failed; skipped ones cost nothing). */
export function perSecond(view: ProgressView): number {
  return view.elapsedS > 0 ? (view.done + view.failed) / view.elapsedS : 0;
}

/** Seconds left at the current rate, when the total is known and the rate is not zero. */
export function etaSeconds(view: ProgressView): number | undefined {
  const rate = perSecond(view);
  if (view.total === undefined || rate === 0) return undefined;
  return Math.max(0, view.total - view.skipped - view.done - view.failed) / rate;
}

/** `1h02m`, `3m07s`, `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * The progress bar line of a terminal: `shard 0/3 [#####-----] 120/400 30.0% 41.3/s ETA 7s
 * failed 2 skipped 10`. Before the total is known: `120/?` and no ETA.
 */
export function progressBar(view: ProgressView, width = 24): string {
  const through = view.skipped + view.done + view.failed;
  const head = `shard ${view.shard.index}/${view.shard.count}`;
  const rate = `${perSecond(view).toFixed(1)}/s`;
  const tail = `failed ${view.failed}  skipped ${view.skipped}`;
  if (view.total === undefined) return `${head}  ${through}/?  ${rate}  ${tail}`;
  const share = view.total > 0 ? Math.min(1, through / view.total) : 1;
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const eta = etaSeconds(view);
  const left = eta === undefined ? 'ETA ?' : `ETA ${formatDuration(eta)}`;
  return `${head} ${bar} ${through}/${view.total}  ${(share * 100).toFixed(1)}%  ${rate}  ${left}  ${tail}`;
}

/** The fields of a JSON progress line (Cloud Logging shows them as the entry's jsonPayload). */
export function progressFields(view: ProgressView): Record<string, unknown> {
  const eta = etaSeconds(view);
  return {
    shard: `${view.shard.index}/${view.shard.count}`,
    done: view.done,
    failed: view.failed,
    skipped: view.skipped,
    ...(view.total === undefined ? {} : { total: view.total }),
    perSecond: round1(perSecond(view)),
    ...(eta === undefined ? {} : { etaSeconds: Math.round(eta) }),
    elapsedSeconds: round1(view.elapsedS),
  };
}

/** How progress is shown: a bar redrawn on a terminal, or a JSON log line now and then. */
export type ProgressMode =
  | { kind: 'bar'; write: (text: string) => void }
  | { kind: 'json'; log: Logger; everyMs: number };

/** Shows a run's progress until stopped; `view` is asked for the current state each time. */
export class ProgressDisplay {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly mode: ProgressMode,
    private readonly view: () => ProgressView,
  ) {
    const every = mode.kind === 'bar' ? 250 : mode.everyMs;
    this.timer = setInterval(() => this.show(), every).unref();
  }

  private show(): void {
    if (this.mode.kind === 'bar') this.mode.write(`\r${progressBar(this.view())}\x1b[K`);
    else this.mode.log.info('batch progress', progressFields(this.view()));
  }

  /** Stops; a bar is drawn once more, finished with a newline. */
  stop(): void {
    clearInterval(this.timer);
    if (this.mode.kind === 'bar') this.mode.write(`\r${progressBar(this.view())}\x1b[K\n`);
  }
}
