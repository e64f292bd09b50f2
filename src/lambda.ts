import { prestartWorker } from './inference/worker-thread.js';

export type { LambdaHttpEvent, LambdaHttpResult } from './lambda/events.js';

/**
 * The AWS Lambda entry point (bundled as `dist/bundle/lambda.handler`, Dockerfile.lambda's CMD).
 * The first inference worker starts here, before src/lambda/entry.ts and the app's modules load,
 * so that its import of onnxruntime overlaps their loading, as in `rocket serve`
 * (src/commands/index.ts).
 */
prestartWorker();

/** Answers one Function URL or HTTP API v2.0 event with the same routes as the HTTP server. */
export const { handler } = await import('./lambda/entry.js');
