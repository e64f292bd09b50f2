import type { Progress, ProgressReporter } from './download.js';

/** What {@link terminalProgress} writes to: a stream that may be a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const MB = 1024 * 1024;

/** One progress line: `Downloading URL  12.0 / 48.0 MB  25%`. */
export function formatProgress(p: Progress): string {
  const received = (p.received / MB).toFixed(1);
  if (p.total === undefined || p.total === 0) return `Downloading ${p.url}  ${received} MB`;
  const percent = Math.floor((100 * p.received) / p.total);
  return `Downloading ${p.url}  ${received} / ${(p.total / MB).toFixed(1)} MB  ${percent}%`;
}

/**
 * A progress reporter that redraws one line on `stream` when it is a terminal, at most once per
 * whole percent (or MB when the size is unknown), and ends the line when the download ends. When
 * the stream is not a terminal it reports nothing, so logs and pipes stay clean.
 */
export function terminalProgress(stream: ProgressStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return () => {};
  let shown = -1;
  let started = false;
  return (p) => {
    if (p.done) {
      if (started) stream.write(`\r${formatProgress(p)}\x1b[K\n`);
      started = false;
      shown = -1;
      return;
    }
    const step = p.total ? Math.floor((100 * p.received) / p.total) : Math.floor(p.received / MB);
    if (step === shown) return;
    shown = step;
    started = true;
    const line = formatProgress(p);
    const width = stream.columns ?? 100;
    stream.write(`\r${line.length > width - 1 ? line.slice(0, width - 1) : line}\x1b[K`);
  };
}
