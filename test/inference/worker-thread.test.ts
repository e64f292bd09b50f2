import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { prestartWorker, workerThread } from '../../src/inference/worker-thread.js';
import { ROOT } from '../helpers/server.js';

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

describe('workerThread', () => {
  const module = pathToFileURL(join(ROOT, 'dist', 'src', 'inference', 'worker-thread.js')).href;
  // A warm-up before any session is refused by the worker script itself: its answer proves it ran.
  const code = `(async () => {
    const { workerThread } = await import(${JSON.stringify(module)});
    const thread = workerThread();
    thread.on('error', (err) => { console.log('error: ' + err.message); process.exit(0); });
    thread.on('message', (reply) => { console.log('reply: ' + reply.type); process.exit(0); });
    thread.postMessage({ type: 'warm-up' });
  })()`;

  it.each([
    '--input-type=module --max-old-space-size=512',
    '--max-old-space-size=512 --heap-growing-percent=300',
    '',
  ])('starts the worker script under `node %s -e`', (options) => {
    const args = [...options.split(' ').filter(Boolean), '-e', code];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('reply: init-error');
  });
});
