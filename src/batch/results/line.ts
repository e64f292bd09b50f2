import { RocketError } from '../../errors.js';

/**
 * One line of a results file: the input's URI and its /process JSON, or its error. `image` is the
 * file --images wrote, relative to the output.
 */
export type ResultLine =
  | { input: string; ok: true; result: unknown; image?: string }
  | { input: string; ok: false; error: { code: string; message: string } };

/** The failure line of an input: the catalogue code of a RocketError, INTERNAL for anything else. */
export function failureLine(input: string, err: unknown): ResultLine {
  const code = err instanceof RocketError ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return { input, ok: false, error: { code, message } };
}

/** A results line as read back: its input and whether it succeeded; undefined when the text is not one. */
export function readLine(text: string): { input: string; ok: boolean } | undefined {
  try {
    const line = JSON.parse(text) as { input?: unknown; ok?: unknown } | null;
    return typeof line?.input === 'string' ? { input: line.input, ok: line.ok === true } : undefined;
  } catch {
    return undefined;
  }
}

/** What a shard's results held when it was opened. */
export interface Resumed {
  /** Lines read back (one per input). */
  lines: number;
  /** Of them, the failures. */
  failed: number;
  /** The last line was cut off mid-write (a killed run): it was dropped, and its input runs again. */
  torn: boolean;
}

/** What the results of a shard hold and are told, wherever they are kept. */
export interface ResultsSink {
  /**
   * Inputs whose line is in the results (from earlier runs): a re-run skips them. The runner adds
   * each input it starts, so an input listed twice gets one line.
   */
  readonly done: Set<string>;
  /** What earlier runs left: lines read back, how many of them failed, and whether a torn last line was dropped. */
  readonly resumed: Resumed;
  /** Appends one line, written at once (a SIGKILL loses no line already appended). */
  append(line: ResultLine): void;
  /** Makes every appended line durable in the output (remote: uploads what is pending as a part). */
  flush(): Promise<void>;
  /** The shard has finished: leaves the whole results file in the output. */
  finish(): Promise<void>;
  /** Releases files and timers; after finish() or flush(). */
  close(): Promise<void>;
}
