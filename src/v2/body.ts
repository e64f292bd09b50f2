import { RocketError } from '../errors.js';
import { type BodyRequest, readBody as readRequestBody } from '../http/upload.js';
import { V2Error } from './errors.js';

/**
 * Reads a whole request body up to `maxBytes` (the shared reader), answering an oversized body
 * as the protocol does: 413 with `{"error": "..."}`.
 */
export async function readBody(req: BodyRequest, maxBytes: number): Promise<Buffer> {
  try {
    return await readRequestBody(req, maxBytes);
  } catch (err) {
    if (err instanceof RocketError && err.code === 'PAYLOAD_TOO_LARGE') throw new V2Error(413, err.message);
    throw err;
  }
}
