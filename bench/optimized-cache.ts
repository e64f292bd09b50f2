import type { ChildProcess } from 'node:child_process';
import { copiesIn, optimizedModelDir } from '../src/inference/optimized-model.js';
import { stopProcess } from './load.js';

/** How long a server may take, once started, to save or load onnxruntime's optimized copy of its model. */
const COPY_WAIT_MS = 20_000;

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
      if (copiesIn(dir).some((copy) => copy.usedMs >= since)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  } finally {
    await stopProcess(proc);
  }
}
