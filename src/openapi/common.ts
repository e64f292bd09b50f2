import { errorBody } from './components.js';
import type { ResponseDoc } from './types.js';

const WHY: Record<number, string> = {
  400: 'Bad request: see error.code (INVALID_PARAMETER, UNKNOWN_PARAMETER, MISSING_INPUT, ...).',
  401: 'API_KEY is set and the request has no valid key.',
  404: 'Not found.',
  413: 'The body is larger than MAX_UPLOAD_BYTES.',
  415: 'Unsupported content type, or an image format not decoded (HEIC, SVG unless ALLOW_SVG).',
  422: 'The image cannot be decoded or is too large.',
  429: 'This client already has MAX_INFLIGHT_PER_CLIENT requests running or queued; retry after Retry-After seconds.',
  500: 'Inference failed or an internal error.',
  503: 'Not ready (loading, draining) or overloaded; retry after Retry-After seconds.',
};

/** rocketserve's catalogue error responses (`{"error": {code, message}}`) for these statuses. */
export function catalogueErrors(...statuses: number[]): Record<string, ResponseDoc> {
  return Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { description: WHY[s] ?? 'Error.', content: { 'application/json': errorBody } },
    ]),
  );
}

/** A binary body (a file or an image). */
export const binary = { type: 'string', format: 'binary' } as const;

/** An HTML page. */
export const html = { 'text/html': { type: 'string' } };
