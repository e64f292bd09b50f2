import type { ErrorProtocol } from '../http/error-response.js';

/**
 * An Open Inference Protocol error: the protocol answers `{"error": "<message>"}` with 400 for a
 * bad request and 404 for an unknown model, not rocketserve's `{"error": {code, message}}`.
 */
export class V2Error extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'V2Error';
  }
}

/** A 400 error. */
export const badRequest = (message: string) => new V2Error(400, message);

/**
 * How every /v2 path writes errors (see errorResponse() in src/http/error-response.ts), including
 * those the router raises before the v2 handler (404, 405, 401, 429, 503): a V2Error as it is;
 * anything else as on every other route (catalogue status, production hiding), flattened to the
 * protocol's `{"error": "<message>"}` shape, with the catalogue code in `X-Error-Code`.
 */
export const V2_ERRORS: ErrorProtocol = {
  own: (err) => (err instanceof V2Error ? { status: err.status, message: err.message } : undefined),
  body: ({ message }) => ({ error: message }),
  codeHeader: 'x-error-code',
};

/** True for the paths the protocol owns (`/v2` and below), whose errors take its shape. */
export function isV2Path(pathname: string): boolean {
  return pathname === '/v2' || pathname.startsWith('/v2/');
}
