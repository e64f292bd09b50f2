import { configureDecoder } from './image/decode.js';
import { tuneGarbageCollector } from './serving/gc.js';

let applied = false;

/**
 * The process-wide settings a server wants: libvips set up for many concurrent decodes
 * ({@link configureDecoder}) and V8's GC tuned for large uploads ({@link tuneGarbageCollector}).
 * They belong to the process, not to a RocketApp, so the entry points call this once at startup,
 * before the first image is decoded: `rocket serve` (right after it creates the app, so the rocket
 * loads meanwhile), the functions-framework target (src/function-target.ts), the Lambda handler
 * (src/lambda/entry.ts) and `rocket predict`. Later calls do nothing.
 */
export function applyProcessSettings(): void {
  if (applied) return;
  applied = true;
  configureDecoder();
  tuneGarbageCollector();
}
