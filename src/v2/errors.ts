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
 * How v2 routes write errors (see errorResponse() in src/http/error-response.ts): a V2Error as it
 * is; anything else as on every other route (catalogue status, production hiding), flattened to
 * the protocol's `{"error": "<message>"}` shape.
 */
export const V2_ERRORS: ErrorProtocol = {
  own: (err) => (err instanceof V2Error ? { status: err.status, message: err.message } : undefined),
  body: ({ message }) => ({ error: message }),
};
