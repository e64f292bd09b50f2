import type { BodyRequest } from '../http/upload.js';
import { V2Error } from './errors.js';

const tooLarge = (max: number) =>
  new V2Error(413, `The body is larger than the limit of ${max} bytes (MAX_UPLOAD_BYTES)`);

/**
 * Reads a whole request body up to `maxBytes`: refused from Content-Length before reading, and by a
 * running count for chunked bodies. Uses the body functions-framework has already buffered, if any.
 */
export async function readBody(req: BodyRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (req.rawBody) {
    if (req.rawBody.length > maxBytes) throw tooLarge(maxBytes);
    return req.rawBody;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
