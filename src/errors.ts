/**
 * The one catalogue of rocketserve errors: every error a client or an operator can see has a code
 * here, with its HTTP status and a one-line summary. `docs/errors.md` documents the same table, and
 * test/errors.test.ts keeps the two in step.
 */
export const ERROR_CATALOGUE = {
  // Requests
  ROUTE_NOT_FOUND: { status: 404, summary: 'No route answers this path.' },
  MODEL_NOT_FOUND: { status: 404, summary: 'The request names a model this server does not serve.' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'The route exists but not for this HTTP method.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    summary: 'The body is neither multipart/form-data nor an image content type.',
  },
  MALFORMED_MULTIPART: { status: 400, summary: 'The multipart body cannot be parsed.' },
  MISSING_INPUT: {
    status: 400,
    summary: "No file was sent in the route's field (`input`; `image` on /classify), and no raw image body.",
  },
  UNEXPECTED_FIELD: {
    status: 400,
    summary: "A file was sent in a field other than the route's (`input`; `image` on /classify).",
  },
  TOO_MANY_FILES: { status: 400, summary: 'More files were sent than the route takes (POST /process: 16).' },
  EMPTY_INPUT: { status: 400, summary: 'The uploaded file or body is empty.' },
  UNSUPPORTED_INPUT: {
    status: 400,
    summary:
      'The input kind does not fit this rocket (an image for a tabular rocket, or rows for an image one).',
  },
  INVALID_INPUT: {
    status: 400,
    summary: 'The rows, CSV or JSON body do not match the model inputs.',
  },
  INVALID_PARAMETER: { status: 400, summary: 'A query parameter has a value outside its allowed range.' },
  UNKNOWN_PARAMETER: { status: 400, summary: 'A query parameter is not one this route accepts.' },
  UNAUTHORIZED: {
    status: 401,
    summary:
      'API_KEY is set and the request has no valid key (X-API-Key, or Authorization: Bearer without X-API-Key).',
  },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The body is larger than MAX_UPLOAD_BYTES.' },
  IMAGE_UNDECODABLE: {
    status: 422,
    summary: 'The file is not an image in a format rocketserve recognises, or is corrupt.',
  },
  UNSUPPORTED_IMAGE_FORMAT: {
    status: 415,
    summary:
      'The image is in a format rocketserve does not decode (HEIC/HEIF, or SVG unless ALLOW_SVG=true).',
  },
  IMAGE_TOO_LARGE: {
    status: 422,
    summary:
      'The image has more pixels than MAX_PIXELS, or would give an output larger than the rocket makes.',
  },
  CLIENT_LIMIT: {
    status: 429,
    summary:
      'This client already has MAX_INFLIGHT_PER_CLIENT requests running or queued; retry after Retry-After seconds.',
  },
  OVERLOADED: {
    status: 503,
    summary: 'MAX_INFLIGHT requests are running and MAX_QUEUE are waiting; retry after Retry-After seconds.',
  },
  NOT_READY: {
    status: 503,
    summary:
      'The rocket did not become ready within STARTUP_WAIT_S, failed to load, or the server is shutting down; retry after Retry-After seconds.',
  },
  JOB_NOT_FOUND: {
    status: 404,
    summary: 'No job has this id (it never existed, was deleted or has expired).',
  },
  JOB_NOT_FINISHED: {
    status: 409,
    summary:
      'The job has not finished yet (its result), or has (cancel), or is still queued or running (delete).',
  },
  JOB_CANCELED: { status: 409, summary: 'The job was canceled, so it has no result.' },
  IDEMPOTENCY_CONFLICT: {
    status: 422,
    summary: 'This Idempotency-Key was already used with a different request.',
  },
  QUEUE_FULL: {
    status: 429,
    summary: 'MAX_JOBS_QUEUED jobs are waiting; retry after Retry-After seconds.',
  },
  WEBHOOK_URL_INVALID: {
    status: 400,
    summary:
      'The webhook URL is not http(s), carries credentials, does not resolve, or resolves to a non-public address (loopback, private, link-local, CGNAT, ULA) while WEBHOOK_ALLOW_PRIVATE=false.',
  },
  INFERENCE_FAILED: { status: 500, summary: 'The model failed while running on this input.' },
  OUTPUT_INVALID: {
    status: 500,
    summary:
      "The model's output cannot be right (a confidence outside [0, 1], a class beyond the labels, a box far outside the image): its layout is misread; the message names the output and what would fix it.",
  },
  INTERNAL: { status: 500, summary: 'An unexpected server error; details are in the log.' },
  // rocket batch (in a results line, never over HTTP) and rocket predict
  INPUT_UNREADABLE: {
    status: 502,
    summary:
      'rocket batch or rocket predict could not read an input: missing, unreachable, or access denied.',
  },
  // Startup (reported on stderr and by a non-zero exit, never over HTTP)
  CONFIG_INVALID: { status: 500, summary: 'config.ini or the environment has an invalid or unknown key.' },
  PORT_UNAVAILABLE: {
    status: 500,
    summary: 'The server cannot listen on PORT at HOST: another process has it, or it needs privileges.',
  },
  ROCKET_URL_UNSUPPORTED: { status: 500, summary: 'ROCKET_URL uses a form that cannot be resolved here.' },
  ROCKET_UNSUPPORTED: {
    status: 500,
    summary:
      'No task family recognises the model, or several do; the message lists its inputs and outputs and the manifest fields that would make it work.',
  },
  ROCKET_NOT_FOUND: { status: 500, summary: 'ROCKET_URL names a file or directory that does not exist.' },
  ROCKET_URL_INVALID: { status: 500, summary: 'ROCKET_URL is malformed for its scheme.' },
  ROCKET_DOWNLOAD_FAILED: {
    status: 500,
    summary: 'A remote rocket could not be downloaded (unreachable, not found, truncated, too large).',
  },
  ROCKET_CHECKSUM_MISMATCH: {
    status: 500,
    summary: 'A downloaded rocket does not match the sha256 its URL or registry gives.',
  },
  ROCKET_ARCHIVE_INVALID: {
    status: 500,
    summary: 'A rocket archive cannot be unpacked, or has an entry that would land outside it.',
  },
  ROCKET_INVALID: { status: 500, summary: 'The rocket manifest or the model signature is not usable.' },
  DATA_DIR_IN_USE: {
    status: 500,
    summary:
      'DATA_DIR (or JOB_STORE) holds the jobs of another rocket; sharing it between models corrupts data.',
  },
  JOB_STORE_UNAVAILABLE: {
    status: 500,
    summary: 'The job store (SQLite in DATA_DIR, or JOB_STORE) cannot be opened.',
  },
  MODEL_LOAD_FAILED: { status: 500, summary: 'onnxruntime could not load the model.' },
  PROVIDER_UNAVAILABLE: { status: 500, summary: 'The execution provider DEVICE asks for cannot be created.' },
  NATIVE_ADDON_UNAVAILABLE: { status: 500, summary: 'The native kernel addon could not be loaded.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error with a catalogue code. `status` is derived from the code, never set by hand. */
export class RocketError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Response headers this error calls for (e.g. `allow`, `retry-after`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'RocketError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.headers = { ...(code === 'NOT_READY' ? { 'retry-after': '1' } : {}), ...options?.headers };
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/**
 * Maps any thrown value to a status and body. Unknown errors become INTERNAL; with `production`
 * (`NODE_ENV=production`, the one place that reads it) 5xx messages are kept out of the body: they
 * go to the log instead.
 */
export function toErrorResponse(
  err: unknown,
  production = process.env.NODE_ENV === 'production',
): { status: number; body: ErrorBody; headers: Readonly<Record<string, string>> } {
  if (err instanceof RocketError) {
    const hide = production && err.status >= 500;
    const message = hide ? ERROR_CATALOGUE[err.code].summary : err.message;
    return { status: err.status, body: { error: { code: err.code, message } }, headers: err.headers };
  }
  const message = production || !(err instanceof Error) ? ERROR_CATALOGUE.INTERNAL.summary : err.message;
  return { status: 500, body: { error: { code: 'INTERNAL', message } }, headers: {} };
}

/** The shared wording of parameter errors: "Expected <what> for <name> but received <value>". */
export function expected(what: string, name: string, value: unknown): string {
  return `Expected ${what} for ${name} but received ${JSON.stringify(value)}`;
}
