import { ERROR_CATALOGUE, RocketError } from '../errors.js';

/**
 * An Open Inference Protocol error: the protocol answers `{"error": "<message>"}` with 400 for a
 * bad request and 404 for an unknown model, not rocketserve's `{"error": {code, message}}`.
 */
export class V2Error extends Error {
  constructor(
    readonly status: 400 | 404 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'V2Error';
  }
}

/** A 400 error. */
export const badRequest = (message: string) => new V2Error(400, message);

/** What a v2 route answers for a thrown value: status, `{"error"}` body and extra headers. */
export function v2ErrorResponse(
  err: unknown,
  production: boolean,
): { status: number; body: { error: string }; headers: Record<string, string> } {
  if (err instanceof V2Error) return { status: err.status, body: { error: err.message }, headers: {} };
  if (err instanceof RocketError) {
    const hide = production && err.status >= 500;
    const message = hide ? ERROR_CATALOGUE[err.code].summary : err.message;
    return { status: err.status, body: { error: message }, headers: { ...err.headers } };
  }
  const message = production || !(err instanceof Error) ? ERROR_CATALOGUE.INTERNAL.summary : err.message;
  return { status: 500, body: { error: message }, headers: {} };
}
