import { configureDecoder } from './image/decode.js';
import { tuneGarbageCollector } from './serving/gc.js';

let applied = false;

/**
 * The process-wide settings a server wants: libvips set up for many concurrent decodes
 * ({@link configureDecoder}) and V8's GC tuned for large uploads ({@link tuneGarbageCollector}).
 * They belong to the process, not to a RocketApp, so the entry points call this once at startup,
 * before they create the app: `rocket serve`, the functions-framework target (src/function.ts), the
 * Lambda handler (src/lambda.ts) and `rocket predict`. Later calls do nothing.
 */
export function applyProcessSettings(): void {
  if (applied) return;
  applied = true;
  configureDecoder();
  tuneGarbageCollector();
}
