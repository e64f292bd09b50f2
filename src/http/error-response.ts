import type { ServerResponse } from 'node:http';
import { type ErrorCode, toErrorResponse } from '../errors.js';
import { sendBody } from './route.js';
import type { BodyRequest } from './upload.js';

/** How one API writes its errors: the errors it defines itself, and the shape of its JSON body. */
export interface ErrorProtocol {
  /**
   * The status and message of an error this protocol defines itself (e.g. a V2Error), or
   * undefined to map `err` through the catalogue like every other error.
   */
  own?(err: unknown): { status: number; message: string } | undefined;
  /** The JSON body for an error; `code` is absent for the protocol's own errors. */
  body(error: { code?: ErrorCode; message: string }): unknown;
  /** The header that carries the catalogue code, for a protocol whose body has no place for it. */
  codeHeader?: string;
}

/** rocketserve's own shape, on every route but the v2 protocol's: `{"error": {code, message}}`. */
export const ROCKET_ERRORS: ErrorProtocol = {
  body: ({ code, message }) => ({ error: { code, message } }),
};

/** An error response, ready to send over HTTP or to return to Lambda. */
export interface ErrorResponse {
  status: number;
  /** The JSON content type, then the headers the error calls for (e.g. `allow`, `retry-after`). */
  headers: Record<string, string>;
  /** The JSON body, as text. */
  body: string;
  /** The catalogue code; absent for a protocol's own errors. */
  code?: ErrorCode;
  /** The message the body carries (the catalogue summary for a hidden 5xx in production). */
  message: string;
}

/**
 * The one writer of error responses: maps any thrown value to status, headers and body. Errors
 * map through the catalogue ({@link toErrorResponse}: unknown errors become INTERNAL, 5xx messages
 * are hidden in production) unless `protocol` defines them itself; `protocol` shapes the body.
 */
export function errorResponse(
  err: unknown,
  protocol: ErrorProtocol = ROCKET_ERRORS,
  production?: boolean,
): ErrorResponse {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const own = protocol.own?.(err);
  if (own) {
    const { status, message } = own;
    return { status, headers: json, body: JSON.stringify(protocol.body({ message })), message };
  }
  const { status, body, headers } = toErrorResponse(err, production);
  const { code, message } = body.error;
  const coded = protocol.codeHeader ? { [protocol.codeHeader]: code } : {};
  return {
    status,
    headers: { ...json, ...headers, ...coded },
    body: JSON.stringify(protocol.body({ code, message })),
    code,
    message,
  };
}

/**
 * Sends an error response over HTTP (once; see {@link sendBody}). With `close` it asks the client
 * to close the connection; otherwise whatever of the request body was not read is discarded, so
 * the connection stays usable (no reset).
 */
export function sendErrorResponse(
  req: BodyRequest,
  res: ServerResponse,
  response: ErrorResponse,
  close: boolean,
): void {
  const headers = close ? { ...response.headers, connection: 'close' } : response.headers;
  sendBody(res, response.status, response.body, headers);
  if (!close && !req.rawBody && !req.readableEnded) req.resume();
}
