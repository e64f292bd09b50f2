import { describe, expect, it } from 'vitest';
import { OpeningJobQueue } from '../../src/jobs/opening-queue.js';
import type { JobQueue, JobRecord } from '../../src/jobs/types.js';
import { rejected } from '../helpers/errors.js';

const record = { id: 'j1', status: 'queued' } as JobRecord;
/** A queue that answers get() with one record: what the opened store would. */
const openQueue = { get: async () => record } as unknown as JobQueue;

describe('OpeningJobQueue: job requests while the store opens', () => {
  it('waits for the queue to open, then answers from it', async () => {
    let open!: (q: JobQueue) => void;
    const queue = new OpeningJobQueue(new Promise((r) => (open = r)), 5_000);
    const pending = queue.get('j1');
    open(openQueue);
    expect(await pending).toBe(record);
    expect(await queue.get('j1')).toBe(record);
  });

  it('answers 503 NOT_READY, with Retry-After, when the queue is still opening after the wait', async () => {
    const queue = new OpeningJobQueue(new Promise<JobQueue>(() => {}), 20);
    const err = await rejected(queue.get('j1'));
    expect(err.code).toBe('NOT_READY');
    expect(err.headers['retry-after']).toBe('1');
  });

  it('answers NOT_READY, not the store error, when the queue failed to open', async () => {
    const failing = Promise.reject(new Error('disk full'));
    const queue = new OpeningJobQueue(failing, 5_000);
    failing.catch(() => {});
    const first = await rejected(queue.get('j1'));
    expect([first.code, first.message]).toEqual(['NOT_READY', expect.stringContaining('failed to open')]);
    expect((await rejected(queue.list({ limit: 1 }))).code).toBe('NOT_READY');
  });
});
