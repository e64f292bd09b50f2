import type { BodyRequest } from './upload.js';

/**
 * Reads and drops what is left of a request body. A server that closes the connection while the
 * client is still uploading resets it, and the client sees EPIPE or ECONNRESET instead of the
 * response: call this before answering with `Connection: close`. Gives up at once when the
 * declared Content-Length exceeds `maxBytes`, and after `maxBytes` bytes or `maxMs` milliseconds;
 * the client may then still see a reset. Resolves, never rejects.
 */
export function discardBody(req: BodyRequest, maxBytes: number, maxMs: number): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.rawBody || req.readableEnded || req.destroyed || declared > maxBytes) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    req.on('data', onData).once('end', done).once('close', done).once('error', done);
  });
}
