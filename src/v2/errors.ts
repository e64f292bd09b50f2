import { toErrorResponse } from '../errors.js';

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
 * What a v2 route answers for a thrown value: status, `{"error"}` body and extra headers. Anything
 * but a V2Error maps as on every other route (catalogue status, production hiding), flattened to
 * the protocol's shape.
 */
export function v2ErrorResponse(
  err: unknown,
  production?: boolean,
): { status: number; body: { error: string }; headers: Record<string, string> } {
  if (err instanceof V2Error) return { status: err.status, body: { error: err.message }, headers: {} };
  const { status, body, headers } = toErrorResponse(err, production);
  return { status, body: { error: body.error.message }, headers: { ...headers } };
}
