import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/jobs/queue.js';
import { Retention } from '../../src/jobs/retention.js';
import { SqliteJobStore } from '../../src/jobs/store/sqlite.js';
import type { JobStore } from '../../src/jobs/types.js';
import { createLogger } from '../../src/log.js';

const HOUR = 3_600_000;
const log = createLogger('error');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Submits and runs one job to success at the clock's current time. */
async function finishedJob(store: JobStore, n: number): Promise<string> {
  const request = { contentType: 'image/png', accept: '', query: '', body: Buffer.from(`input ${n}`) };
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  await store.submit(
    { id, request, webhook: null, idempotencyKey: null, requestHash: requestHash(request) },
    10,
  );
  const claim = await store.claim(30_000, 3);
  if (claim?.job.id !== id) throw new Error(`expected to claim ${id}`);
  const result = { status: 200, contentType: 'application/json', body: Buffer.from(`{"n":${n}}`) };
  await store.finish(id, claim.leaseToken, { status: 'succeeded', result });
  return id;
}

const files = (dir: string) => ['inputs', 'results'].flatMap((k) => readdirSync(join(dir, k)));

describe('Retention (JOB_RETENTION_H), under a fake clock', () => {
  it('removes jobs finished more than the retention ago, with their files, and keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rocket-retention-'));
    dirs.push(dir);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    const store = SqliteJobStore.open(dir, clock);
    const old = await finishedJob(store, 1);
    now += 20 * HOUR;
    const recent = await finishedJob(store, 2);
    const request = { contentType: 'image/png', accept: '', query: '', body: Buffer.from('waiting') };
    const queued = '00000000-0000-4000-8000-000000000003';
    await store.submit(
      { id: queued, request, webhook: null, idempotencyKey: null, requestHash: requestHash(request) },
      10,
    );
    expect(files(dir)).toHaveLength(3); // two results and one waiting input

    const retention = new Retention(store, 24 * HOUR, log, clock);
    now += 3 * HOUR; // the first job finished 23 h ago
    expect(await retention.purge()).toBe(0);
    now += 2 * HOUR; // 25 h
    expect(await retention.purge()).toBe(1);
    expect(await store.get(old)).toBeUndefined();
    expect(await store.get(recent)).toMatchObject({ status: 'succeeded' });
    expect(await store.get(queued), 'an unfinished job is never removed').toMatchObject({ status: 'queued' });
    expect(files(dir)).toHaveLength(2);
    now += 100 * HOUR;
    expect(await retention.purge()).toBe(1);
    expect(await store.get(queued)).toMatchObject({ status: 'queued' });
    expect(files(dir), 'only the waiting input is left').toHaveLength(1);
    await store.close();
  });
});
