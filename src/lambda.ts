import { beginColdStart } from './cold-start.js';

export type { LambdaHttpEvent, LambdaHttpResult } from './lambda/events.js';

/**
 * The AWS Lambda entry point (bundled as `dist/bundle/lambda.handler`, Dockerfile.lambda's CMD).
 * The cold start begins here, before src/lambda/entry.ts and the app's modules load
 * (src/cold-start.ts), as in `rocket serve`: the first inference worker's import of onnxruntime
 * overlaps their loading.
 */
beginColdStart();

/** Answers one Function URL or HTTP API v2.0 event with the same routes as the HTTP server. */
export const { handler } = await import('./lambda/entry.js');
