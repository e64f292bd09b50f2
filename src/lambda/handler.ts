import type { RocketApp } from '../app.js';
import { RocketError } from '../errors.js';
import { errorResponse, ROCKET_ERRORS } from '../http/error-response.js';
import { handleRequest } from '../http/router.js';
import { isV2Path, V2_ERRORS } from '../v2/errors.js';
import { LAMBDA_PAYLOAD_LIMIT_BYTES, type LambdaHttpEvent, type LambdaHttpResult } from './events.js';
import { eventBody, eventUrl, toRequest } from './request.js';
import { LambdaResponse } from './response.js';

/** How a Lambda handler gets its app, and the response size limit it enforces. */
export interface LambdaHandlerOptions {
  /** Creates the app; called once per container (on the first invocation, or by `warm()`). */
  createApp(): RocketApp;
  /** Largest response body, in bytes; default {@link LAMBDA_PAYLOAD_LIMIT_BYTES}. */
  payloadLimitBytes?: number;
}

/** A Lambda handler for payload v2.0 events, with its one app. */
export interface LambdaHandler {
  handle(event: LambdaHttpEvent): Promise<LambdaHttpResult>;
  /** Creates the app now and starts loading the rocket (call during Lambda's init phase). */
  warm(): RocketApp;
}

/**
 * An error as a Lambda result: the same status, headers and body the HTTP server sends, in the
 * Open Inference Protocol's shape on /v2 paths.
 */
function errorResult(err: unknown, event: LambdaHttpEvent): LambdaHttpResult {
  const path = new URL(eventUrl(event), 'http://lambda').pathname;
  const { status, headers, body } = errorResponse(err, isV2Path(path) ? V2_ERRORS : ROCKET_ERRORS);
  return { statusCode: status, headers, body, isBase64Encoded: false };
}

/**
 * Adapts Function URL and API Gateway HTTP API (payload v2.0) events to the shared router, so
 * Lambda answers exactly what `POST /process` answers over HTTP. The app is created once per
 * container and reused by every invocation; each invocation waits until the rocket is ready.
 * Requests over Lambda's 6 MB payload limit never reach it: Lambda refuses them before the handler
 * runs (see docs/deploy.md). Bodies within it are held to MAX_UPLOAD_BYTES by the router; a
 * response over the limit becomes a 500 INTERNAL that names it, instead of Lambda's own error.
 */
export function createLambdaHandler(options: LambdaHandlerOptions): LambdaHandler {
  const limit = options.payloadLimitBytes ?? LAMBDA_PAYLOAD_LIMIT_BYTES;
  let app: RocketApp | undefined;
  const warm = (): RocketApp => {
    app ??= options.createApp();
    return app;
  };

  async function handle(event: LambdaHttpEvent): Promise<LambdaHttpResult> {
    const current = warm();
    try {
      await current.ready;
    } catch (err) {
      return errorResult(err, event); // logged once by the load (app.ts)
    }
    const req = toRequest(event, eventBody(event));
    const res = new LambdaResponse(req.method === 'HEAD');
    await handleRequest(req, res.asServerResponse(), current);
    await res.finished;
    const result = res.toResult();
    if (Buffer.byteLength(result.body, 'utf8') > limit) {
      current.log.error('response exceeds the Lambda payload limit', { bytes: result.body.length, limit });
      return errorResult(
        new RocketError('INTERNAL', `The response is larger than AWS Lambda's ${limit}-byte payload limit`),
        event,
      );
    }
    return result;
  }

  return { handle, warm };
}
