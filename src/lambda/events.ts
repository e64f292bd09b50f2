/**
 * The AWS Lambda event and result shapes rocketserve answers: payload format version 2.0, which
 * Lambda Function URLs and API Gateway HTTP APIs both send. Only the fields the adapter reads are
 * typed; the rest of AWS's documented event passes through untouched.
 */

/** A Function URL or HTTP API (payload v2.0) request event. */
export interface LambdaHttpEvent {
  version?: string;
  routeKey?: string;
  /** The path as the client sent it (API Gateway keeps a non-default stage in front). */
  rawPath: string;
  /** The query string without `?`, exactly as sent ("" when none). */
  rawQueryString?: string;
  /** `Cookie` header values, split out of `headers` by AWS. */
  cookies?: string[];
  /** Lower-case header names; repeated headers are joined with commas. */
  headers?: Record<string, string | undefined>;
  requestContext: {
    http: { method: string; path?: string; protocol?: string; sourceIp?: string; userAgent?: string };
    /** `$default`, or the HTTP API stage name that prefixes rawPath. */
    stage?: string;
    requestId?: string;
    domainName?: string;
  };
  /** The body: text, or base64 when `isBase64Encoded` (binary and multipart bodies). */
  body?: string;
  isBase64Encoded?: boolean;
}

/** The structured response a v2.0 handler returns. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  /** `Set-Cookie` values; v2.0 results carry them here, not in `headers`. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/**
 * Lambda's synchronous invocation payload limit (6 MB), for the request event and the response
 * alike. A base64 body counts as encoded, so it leaves about 4.5 MB for the image itself.
 */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
