import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RocketError } from '../../errors.js';
import { type Download, downloadFailed, type ProgressReporter, reasonOf } from './download.js';

/** Limits and reporting for {@link receive}. */
export interface ReceiveOptions {
  /** The URL as shown in messages. */
  url: string;
  maxBytes: number;
  progress?: ProgressReporter;
  /** Abort when no byte arrives for this long (default 120 s). */
  stallMs?: number;
}

/**
 * Streams a download into `file`, hashing as it goes. Fails with ROCKET_DOWNLOAD_FAILED, naming the
 * URL, when the body is larger than `maxBytes` (before reading, when the server announces the
 * size), breaks off, stalls, or ends short of its announced size. The caller removes `file`.
 */
export async function receive(
  download: Download,
  file: string,
  options: ReceiveOptions,
): Promise<{ sha256: string; bytes: number }> {
  const { url, maxBytes, progress } = options;
  const total = download.size;
  if (total !== undefined && total > maxBytes) {
    download.body.destroy();
    throw tooLarge(url, maxBytes, `the server announces ${total} bytes`);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const stallMs = options.stallMs ?? 120_000;
  // Restarted by every chunk: fires only when none arrives for stallMs.
  const stall = setTimeout(
    () => download.body.destroy(new Error(`no data arrived for ${stallMs / 1000} s`)),
    stallMs,
  );
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        callback(tooLarge(url, maxBytes, `more than ${maxBytes} bytes arrived`));
        return;
      }
      hash.update(chunk);
      stall.refresh();
      progress?.({ url, received: bytes, total, done: false });
      callback(null, chunk);
    },
  });
  try {
    await pipeline(download.body, meter, createWriteStream(file));
  } catch (err) {
    if (err instanceof RocketError) throw err;
    throw downloadFailed(url, `the download broke off after ${bytes} bytes (${reasonOf(err)})`, err);
  } finally {
    clearTimeout(stall);
    progress?.({ url, received: bytes, total, done: true });
  }
  if (total !== undefined && bytes !== total) {
    throw downloadFailed(url, `the download is truncated: ${bytes} of ${total} bytes arrived`);
  }
  return { sha256: hash.digest('hex'), bytes };
}

function tooLarge(url: string, maxBytes: number, what: string): RocketError {
  return downloadFailed(url, `${what}; the limit (MAX_ROCKET_BYTES) is ${maxBytes} bytes`);
}

/** Reads a small remote text (a `.sha256` file) into memory, refusing more than `maxBytes`. */
export async function receiveText(download: Download, url: string, maxBytes = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of download.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        download.body.destroy();
        throw downloadFailed(url, `expected at most ${maxBytes} bytes of text`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof RocketError) throw err;
    throw downloadFailed(url, `the download broke off (${reasonOf(err)})`, err);
  }
  return Buffer.concat(chunks).toString('utf8');
}
