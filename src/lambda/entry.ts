import { RocketApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { applyProcessSettings } from '../process-settings.js';
import type { LambdaHttpEvent, LambdaHttpResult } from './events.js';
import { createLambdaHandler } from './handler.js';

/**
 * The AWS Lambda handler, entered through src/lambda.ts, for Function URLs and API Gateway HTTP
 * APIs (payload v2.0). Configuration comes from the function's environment variables (and a
 * config.ini in the task root, if one is baked in). The app is created once per execution
 * environment; inside Lambda it starts loading during the init phase, before the first request.
 */
const lambda = createLambdaHandler({
  createApp() {
    applyProcessSettings();
    const config = loadConfig();
    return new RocketApp(config, createLogger(config.LOG_LEVEL));
  },
});

if (process.env.AWS_LAMBDA_FUNCTION_NAME) lambda.warm();

/** Answers one Function URL or HTTP API v2.0 event with the same routes as the HTTP server. */
export function handler(event: LambdaHttpEvent): Promise<LambdaHttpResult> {
  return lambda.handle(event);
}
