import type { LogLevel } from './config/options.js';

const SEVERITY: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Structured JSON logging, one line per entry, in Cloud Logging's format (`severity`, `message`). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Whether entries at `level` are written, so callers can skip building fields that would be dropped. */
  enabled(level: LogLevel): boolean;
}

/** A logger writing to `write` (stdout by default), dropping entries below `level`. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const entry =
    (at: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (RANK[at] < RANK[level]) return;
      write(
        `${JSON.stringify({ severity: SEVERITY[at], message, time: new Date().toISOString(), ...fields })}\n`,
      );
    };
  return {
    debug: entry('debug'),
    info: entry('info'),
    warn: entry('warn'),
    error: entry('error'),
    enabled: (at) => RANK[at] >= RANK[level],
  };
}

/** The `@type` that makes Error Reporting take a log entry as an error event. */
export const REPORTED_ERROR_EVENT =
  'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent';

/**
 * The fields that make an error-severity entry an Error Reporting event: the V8 stack (`Name:
 * message` and its `at` frames) in `stack_trace`, the field Error Reporting reads first, and the
 * ReportedErrorEvent `@type`, so the entry is taken even when the stack is not recognised. For
 * entries logged at `error` only; empty when `err` has no stack.
 */
export function exceptionFields(err: unknown): Record<string, unknown> {
  const stack = (err as { stack?: unknown } | null)?.stack;
  return typeof stack === 'string' && stack ? { stack_trace: stack, '@type': REPORTED_ERROR_EVENT } : {};
}
