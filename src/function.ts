import { beginColdStart } from './cold-start.js';

/**
 * The functions-framework target `process` (package.json's `main`): the framework imports this
 * module and serves what src/function-target.ts registers. The cold start begins here, before that
 * module and the app's modules load (src/cold-start.ts), as in `rocket serve`: the first inference
 * worker's import of onnxruntime overlaps their loading.
 */
beginColdStart();
await import('./function-target.js');
