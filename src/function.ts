import { prestartWorker } from './inference/worker-thread.js';

/**
 * The functions-framework target `process` (package.json's `main`): the framework imports this
 * module and serves what src/function-target.ts registers. The first inference worker starts
 * here, before that module and the app's modules load, so that its import of onnxruntime overlaps
 * their loading, as in `rocket serve` (src/commands/index.ts).
 */
prestartWorker();
await import('./function-target.js');
