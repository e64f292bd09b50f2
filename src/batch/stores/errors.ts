import { RocketError } from '../../errors.js';
import { reasonOf } from '../../rocket/sources/download.js';

/** INPUT_UNREADABLE naming the URI and why. */
export function unreadable(uri: string, why: string, cause?: unknown): RocketError {
  return new RocketError('INPUT_UNREADABLE', `Cannot read ${uri}: ${why}`, { cause });
}

/** PAYLOAD_TOO_LARGE, as POST /process answers a body over MAX_UPLOAD_BYTES. */
export function tooLarge(uri: string, maxBytes: number): RocketError {
  return new RocketError(
    'PAYLOAD_TOO_LARGE',
    `${uri} is larger than the limit of ${maxBytes} bytes (MAX_UPLOAD_BYTES)`,
  );
}

/** An output that could not be written: unlike an input's error, the batch cannot go on. */
export class OutputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutputError';
  }
}

/** OutputError naming the URI and why. */
export function unwritable(uri: string, err: unknown): OutputError {
  return new OutputError(`Cannot write ${uri}: ${reasonOf(err)}`, { cause: err });
}

/**
 * What `read` resolves with, or undefined when it fails because the object is missing: its error's
 * cause (the store's own error) is one that `isMissing` recognises. Other errors are rethrown.
 */
export async function unlessMissing(
  read: Promise<Buffer>,
  isMissing: (cause: unknown) => boolean,
): Promise<Buffer | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isMissing((err as Error).cause)) return undefined;
    throw err;
  }
}

/**
 * Reads a stream whole, refusing more than `maxBytes` (before reading, when the size is announced).
 * @throws RocketError PAYLOAD_TOO_LARGE; the stream's own error when it fails (the store maps it)
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy?(): void },
  uri: string,
  maxBytes: number,
  announced?: number,
): Promise<Buffer> {
  if (announced !== undefined && announced > maxBytes) {
    body.destroy?.();
    throw tooLarge(uri, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      body.destroy?.();
      throw tooLarge(uri, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes);
}
