import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../package.js';
import { keepOrtTelemetryOff } from './ort-telemetry.js';

/** The compiled worker script. Under vitest this module runs from src/, so use the built copy. */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'worker.js');
  if (existsSync(sibling)) return sibling;
  const built = join(packageRoot(), 'dist', 'src', 'inference', 'worker.js');
  if (existsSync(built)) return built;
  throw new Error(`Inference worker script not found at ${sibling} or ${built}; run npm run build:ts`);
}

/**
 * A new thread running the worker script. It inherits the process's Node options, except under
 * `--input-type` (code given with --eval, --print or on stdin), which a thread inheriting it
 * applies to its ES module script and refuses to load it: there it gets none. (Given explicitly,
 * the others could not be passed on either: a thread refuses V8's and the process's own.) Its
 * onnxruntime sends no telemetry (keepOrtTelemetryOff).
 */
function startThread(): Worker {
  keepOrtTelemetryOff();
  const evaluated = process.execArgv.some((arg) => arg.startsWith('--input-type'));
  return new Worker(workerScript(), evaluated ? { execArgv: [] } : {});
}

/** The thread prestartWorker() started, until a pool takes it; `gone` once it has exited. */
let early: { worker: Worker; gone: boolean } | undefined;

/**
 * Starts an inference worker thread now, before the rocket is known, so that Node's start of the
 * thread and its import of onnxruntime overlap the loading of the serving modules: the first
 * {@link workerThread} takes it. It keeps no process alive until then.
 */
export function prestartWorker(): Worker {
  if (early) return early.worker;
  const started = { worker: startThread(), gone: false };
  started.worker.unref();
  // A thread that failed to start is replaced by a fresh one, whose failure is reported as usual.
  started.worker.once('error', () => {});
  started.worker.once('exit', () => {
    started.gone = true;
  });
  early = started;
  return started.worker;
}

/** A worker thread running the inference worker script: the prestarted one once, else a new one. */
export function workerThread(): Worker {
  const taken = early;
  early = undefined;
  if (!taken || taken.gone) return startThread();
  taken.worker.ref();
  return taken.worker;
}
