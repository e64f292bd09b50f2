import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NATIVE_ADDON_PATH } from '../../src/kernels/native.js';
import { firstMessage } from '../helpers/worker.js';

/** Runs `lowerThreadPriority(increment)` inside a fresh worker thread and returns its answer. */
function lowerInWorker(increment: number): Promise<{ nice?: number | null; error?: string }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const addon = require(workerData.path);
    try { parentPort.postMessage({ nice: addon.lowerThreadPriority(workerData.increment) }); }
    catch (err) { parentPort.postMessage({ error: err.constructor.name + ': ' + err.message }); }`;
  return firstMessage(code, { path: NATIVE_ADDON_PATH, increment });
}

describe.skipIf(process.platform !== 'linux')('lowerThreadPriority (native)', () => {
  it('lowers only the calling thread: the worker gets nice + 3, the main thread keeps its own', async () => {
    const before = getPriority();
    const { nice } = await lowerInWorker(3);
    expect(nice).toBe(Math.min(19, before + 3));
    expect(getPriority()).toBe(before);
  });

  it('refuses an increment outside 0..19 with a RangeError naming it', async () => {
    expect((await lowerInWorker(20)).error).toBe(
      'RangeError: Expected an integer from 0 to 19 for increment but received 20',
    );
    expect((await lowerInWorker(-1)).error).toMatch(/^RangeError: .* for increment but received -1$/);
  });
});
