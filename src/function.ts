import * as functions from '@google-cloud/functions-framework';
import { RocketApp } from './app.js';
import { loadConfig } from './config/load.js';
import { handleRequest } from './http/router.js';
import { createLogger } from './log.js';
import { applyProcessSettings } from './process-settings.js';

/**
 * The functions-framework target `process` (Cloud Functions / Cloud Run functions convention):
 * `npx functions-framework --target=process`. The rocket starts loading when this module is
 * imported; requests before it is ready get 503 NOT_READY, /health included.
 */
applyProcessSettings();
const config = loadConfig();
const app = new RocketApp(config, createLogger(config.LOG_LEVEL));
app.ready.catch((err: Error) => {
  app.log.error('rocket failed to load', { error: err.message });
  process.exit(1);
});

functions.http('process', (req, res) => handleRequest(req, res, app));
