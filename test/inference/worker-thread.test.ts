import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { prestartWorker, workerThread } from '../../src/inference/worker-thread.js';

const started: Worker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

describe('prestartWorker', () => {
  it('hands its thread to the first workerThread(), and a new thread to the next', () => {
    const early = prestartWorker();
    started.push(early);
    expect(prestartWorker(), 'one thread, however often asked').toBe(early);
    const first = workerThread();
    const second = workerThread();
    started.push(second);
    expect(first).toBe(early);
    expect(second).not.toBe(early);
  });

  it('replaces a prestarted thread that has exited', async () => {
    const early = prestartWorker();
    await early.terminate();
    const thread = workerThread();
    started.push(thread);
    expect(thread).not.toBe(early);
    expect(thread.threadId).toBeGreaterThan(early.threadId);
  });
});
