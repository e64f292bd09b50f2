import type { ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COPY_SUFFIX, optimizedModelDir } from '../src/inference/optimized-model.js';
import { stopProcess } from './load.js';

/** How long a server may take, once started, to save or load onnxruntime's optimized copy of its model. */
const COPY_WAIT_MS = 20_000;

/** Whether `dir` (CACHE_DIR/optimized) holds a copy saved or used since `sinceMs` (epoch ms). */
function copyTouchedSince(dir: string, sinceMs: number): boolean {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(COPY_SUFFIX))
      .some((name) => statSync(join(dir, name)).mtimeMs >= sinceMs);
  } catch {
    return false;
  }
}

/**
 * Runs one server (`start`) until its rocket's optimized copy is in `cacheDir`: saved by a worker
 * behind the first, or found (and so marked used) by the first. The cold starts after it are then
 * those of a machine that has served the rocket before. Resolves false when no copy was made in
 * time (a model that keeps weights in other files, a CACHE_DIR that cannot be written).
 */
export async function warmOptimizedCache(start: () => ChildProcess, cacheDir: string): Promise<boolean> {
  const since = Date.now() - 1000; // file times may be a little behind the clock
  const proc = start();
  try {
    const dir = optimizedModelDir(cacheDir);
    while (Date.now() - since < COPY_WAIT_MS) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error('the server exited while starting');
      if (copyTouchedSince(dir, since)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  } finally {
    await stopProcess(proc);
  }
}
