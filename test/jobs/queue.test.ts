import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestHash, StoreJobQueue } from '../../src/jobs/queue.js';
import { SqliteJobStore } from '../../src/jobs/store/sqlite.js';
import type { JobRequest } from '../../src/jobs/types.js';
import { checkWebhookUrl } from '../../src/jobs/webhooks/address-guard.js';
import { rejected } from '../helpers/errors.js';

const request: JobRequest = {
  contentType: 'multipart/form-data; boundary=b',
  accept: 'image/png',
  query: 'confidence=0.5',
  body: Buffer.from('--b\r\n...'),
};

describe('requestHash: what "the same request" means for an Idempotency-Key', () => {
  it('is the same for the same request, and differs when any part of it differs', () => {
    expect(requestHash({ ...request, body: Buffer.from(request.body) })).toBe(requestHash(request));
    const variants: JobRequest[] = [
      { ...request, body: Buffer.from('--b\r\n..!') },
      { ...request, query: 'confidence=0.6' },
      { ...request, contentType: 'multipart/form-data; boundary=c' },
      { ...request, accept: 'image/jpeg' },
      // parts that run together the same way must not collide
      { ...request, query: '', accept: `${request.accept}confidence=0.5` },
    ];
    const hashes = new Set([request, ...variants].map(requestHash));
    expect(hashes.size).toBe(variants.length + 1);
  });
});

describe('StoreJobQueue', () => {
  let dir: string;
  let store: SqliteJobStore;
  let accepted: string[];
  let queue: StoreJobQueue;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rocket-queue-'));
    store = SqliteJobStore.open(dir);
    accepted = [];
    queue = new StoreJobQueue(store, {
      maxQueued: 2,
      checkWebhookUrl: (url) => checkWebhookUrl(url, false, async () => [{ address: '10.0.0.7', family: 4 }]),
      accepted: (id, body) => accepted.push(`${id} ${body.length}`),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each job a random UUID, and wakes the runner for a new job only', async () => {
    const first = await queue.submit(request, { webhook: null, idempotencyKey: 'k1' });
    expect(first.created).toBe(true);
    expect(first.job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await queue.submit(request, { webhook: null, idempotencyKey: 'k1' });
    expect(again).toMatchObject({ created: false, job: { id: first.job.id } });
    const conflict = await rejected(
      queue.submit({ ...request, query: 'confidence=0.9' }, { webhook: null, idempotencyKey: 'k1' }),
    );
    expect(conflict?.code).toBe('IDEMPOTENCY_CONFLICT');
    const other = await queue.submit(request, { webhook: null, idempotencyKey: null });
    expect(other.job.id).not.toBe(first.job.id);
    const size = request.body.length;
    expect(accepted, 'the runner is told of each new job, with its body').toEqual([
      `${first.job.id} ${size}`,
      `${other.job.id} ${size}`,
    ]);
    const full = await rejected(queue.submit(request, { webhook: null, idempotencyKey: null }));
    expect(full?.code).toBe('QUEUE_FULL');
    expect(full?.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('checks the webhook URL before storing anything', async () => {
    const refused = await rejected(
      queue.submit(request, {
        webhook: { url: 'http://hooks.example/x', events: ['completed'] },
        idempotencyKey: null,
      }),
    );
    expect(refused?.code).toBe('WEBHOOK_URL_INVALID');
    expect(await store.counts()).toMatchObject({ queued: 0 });
    expect(accepted).toEqual([]);
  });

  it('answers JOB_NOT_FOUND, JOB_NOT_FINISHED and JOB_CANCELED as the catalogue says', async () => {
    const missing = await rejected(queue.get('00000000-0000-4000-8000-000000000000'));
    expect(missing?.code).toBe('JOB_NOT_FOUND');
    const { job } = await queue.submit(request, { webhook: null, idempotencyKey: null });
    expect((await queue.get(job.id)).status).toBe('queued');
    expect((await rejected(queue.result(job.id)))?.code).toBe('JOB_NOT_FINISHED');
    await queue.cancel(job.id);
    expect((await rejected(queue.result(job.id)))?.code).toBe('JOB_CANCELED');
    await queue.delete(job.id);
    expect((await rejected(queue.result(job.id)))?.code).toBe('JOB_NOT_FOUND');
  });

  it('answers the stored result of a finished job', async () => {
    const { job } = await queue.submit(request, { webhook: null, idempotencyKey: null });
    const claim = await store.claim(30_000, 3);
    const result = { status: 200, contentType: 'image/png', body: Buffer.from([0x89, 0x50]) };
    await store.finish(job.id, claim?.leaseToken ?? '', { status: 'succeeded', result });
    expect(await queue.result(job.id)).toEqual(result);
    expect((await queue.list({ limit: 10 })).jobs.map((j) => j.id)).toEqual([job.id]);
  });
});
