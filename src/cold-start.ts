import { setFlagsFromString } from 'node:v8';
import { prestartWorker } from './inference/worker-thread.js';
import { flagNames } from './v8-flags.js';

// A cold start, from the first line of an entry point (`rocket serve`, `worker`, `predict` and
// `batch`, the functions-framework target, the Lambda handler) until its app is ready. Two things
// make it shorter: the first inference worker starts at once (prestartWorker), and V8's optimizing
// compiler (TurboFan) is off. Module loading runs each function a few times at most, and what
// TurboFan would optimize meanwhile takes its background threads from the two cores the first
// worker's session and the main thread's loading share: without it the first answer of a YOLOv8n
// server came 29-36 ms sooner (docs/operations.md, "Cold start"). Once the app is ready it is on
// again, for the code that runs on every request. The flag is process-wide: it covers the worker
// threads too. A Node started with its own tiering flags keeps them.

/** Whether the optimizing compiler is off for the cold start. */
let paused = false;

/** V8 flags that set its tiering: when Node was started with one, they are the user's, and left alone. */
const TIERING_FLAGS = ['opt', 'turbofan', 'max-opt', 'jitless'];

function tieringSetByUser(): boolean {
  const given = flagNames([...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]);
  return TIERING_FLAGS.some((name) => given.has(name));
}

/** Starts the first inference worker and turns the optimizing compiler off, until {@link endColdStart}. */
export function beginColdStart(): void {
  prestartWorker();
  if (paused || tieringSetByUser()) return;
  setFlagsFromString('--no-turbofan');
  paused = true;
}

/** Turns the optimizing compiler on again (the app is ready, or failed to load); idempotent. */
export function endColdStart(): void {
  if (!paused) return;
  setFlagsFromString('--turbofan');
  paused = false;
}
