import type { Readable } from 'node:stream';
import { RocketError } from '../../errors.js';
import { redactUrl } from '../redact.js';

/** A remote object opened for reading: its bytes as a stream and, when the server says, its size. */
export interface Download {
  body: Readable;
  /** Size in bytes announced by the server, if any; the received size must match it. */
  size?: number;
}

/** Progress of one download, reported as bytes arrive and once more when it ends. */
export interface Progress {
  url: string;
  received: number;
  total?: number;
  done: boolean;
}

/** Receives download progress (the CLI draws a progress line on a terminal). */
export type ProgressReporter = (progress: Progress) => void;

const CHECKSUM_FRAGMENT = /#sha256=([^#]*)$/i;

/**
 * Splits an optional `#sha256=<64 hex digits>` fragment off a remote URL. A fragment that names
 * sha256 but is not 64 hex digits is ROCKET_URL_INVALID, so a typo never disables the check.
 */
export function splitChecksum(url: string): { base: string; sha256?: string } {
  const match = CHECKSUM_FRAGMENT.exec(url);
  if (!match) return { base: url };
  const digest = match[1] ?? '';
  if (!/^[0-9a-f]{64}$/i.test(digest)) {
    throw new RocketError(
      'ROCKET_URL_INVALID',
      `ROCKET_URL "${redactUrl(url)}": the #sha256= fragment must be 64 hex digits but is "${digest}"`,
    );
  }
  return { base: url.slice(0, match.index), sha256: digest.toLowerCase() };
}

/**
 * The file name a downloaded bare model gets: the URL's last path segment when it ends in .onnx
 * (an hf:// `@revision` aside), else `model.onnx`. Rockets are named after it.
 */
export function modelFileName(url: string): string {
  const last = url.split(/[?#]/)[0]?.split('/').pop() ?? '';
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // keep the raw segment
  }
  name = name.replace(/(\.onnx)@[^@]*$/i, '$1'); // hf://…/model.onnx@revision
  return /^[\w.-]+\.onnx$/i.test(name) ? name : 'model.onnx';
}

/** ROCKET_DOWNLOAD_FAILED naming the URL (redacted) and why. */
export function downloadFailed(url: string, why: string, cause?: unknown): RocketError {
  return new RocketError('ROCKET_DOWNLOAD_FAILED', `Cannot download rocket ${redactUrl(url)}: ${why}`, {
    cause,
  });
}

/** A short reason from a thrown value, looking through `cause` (fetch hides the socket error there). */
export function reasonOf(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const inner = e?.cause?.code ?? e?.cause?.message;
  const outer = e?.message ?? String(err);
  return inner && !outer.includes(inner) ? `${outer}: ${inner}` : outer;
}
