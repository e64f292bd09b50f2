import { createHash, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Claim,
  Clock,
  Delivery,
  JobStore,
  NewJob,
  StoreOwner,
  WebhookEvent,
} from '../../src/jobs/types.js';
import { rejected } from '../helpers/errors.js';

/** One store implementation under test, opened empty under a fake clock. */
export interface StoreUnderTest {
  store: JobStore;
  /** Another JobStore on the same data, as a second process would open it. */
  openAnother(): Promise<JobStore>;
  /** Request bodies and results the store still holds (files under DATA_DIR, or bytea values). */
  bodies(): Promise<{ inputs: number; results: number }>;
  /** Removes what `open` made (after the stores are closed). */
  cleanup(): Promise<void>;
}

const LEASE = 30_000;
const MINUTE = 60_000;

/** Every byte value, so a body that is not text round-trips exactly. */
const BINARY = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));

function newJob(overrides: Partial<NewJob> = {}, body: Buffer = BINARY): NewJob {
  const request = { contentType: 'image/png', accept: 'image/webp', query: 'confidence=0.5', body };
  return {
    id: randomUUID(),
    request,
    webhook: null,
    idempotencyKey: null,
    requestHash: createHash('sha256').update(request.query).update(body).digest('hex'),
    ...overrides,
  };
}

const hook = (...events: WebhookEvent[]) => ({ url: 'https://hooks.example.com/jobs', events });
const json = (value: unknown) => ({
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: Buffer.from(JSON.stringify(value)),
});

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

/**
 * The one JobStore conformance suite, run over SQLite (store-sqlite.test.ts) and PostgreSQL
 * (store-postgres.test.ts): every method and every rule of the JobStore contract, under a fake
 * clock (leases, retention and delivery backoff are advanced, never slept through).
 */
export function jobStoreConformance(
  name: string,
  open: (clock: Clock) => Promise<StoreUnderTest>,
  skip = false,
): void {
  describe.skipIf(skip)(`JobStore conformance: ${name}`, () => {
    let now = 0;
    let t: StoreUnderTest;
    let store: JobStore;
    const others: JobStore[] = [];
    const advance = (ms: number) => {
      now += ms;
    };
    const another = async () => {
      const other = await t.openAnother();
      others.push(other);
      return other;
    };
    const submit = async (overrides: Partial<NewJob> = {}, body?: Buffer) =>
      (await store.submit(newJob(overrides, body), 1000)).job;
    const claim = async (leaseMs = LEASE, maxAttempts = 3) => must(await store.claim(leaseMs, maxAttempts));
    const deliveries = async (): Promise<Delivery[]> => {
      const taken: Delivery[] = [];
      for (let d = await store.claimDelivery(1000); d; d = await store.claimDelivery(1000)) taken.push(d);
      return taken;
    };

    beforeEach(async () => {
      now = Date.UTC(2026, 0, 1);
      t = await open(() => now);
      store = t.store;
    });
    afterEach(async () => {
      await Promise.all([store, ...others.splice(0)].map((s) => s.close()));
      await t.cleanup();
    });

    it('claimOwnership records the first owner and refuses another rocket or model', async () => {
      const first: StoreOwner = { rocket: 'yolov8n', modelSha256: 'a'.repeat(64) };
      await store.claimOwnership(first);
      await store.claimOwnership(first);
      const other = await another();
      await other.claimOwnership(first);
      const byName = await rejected(other.claimOwnership({ ...first, rocket: 'resnet50' }));
      expect(byName.code).toBe('DATA_DIR_IN_USE');
      expect(byName.message).toContain('"yolov8n"');
      expect(byName.message).toContain('"resnet50"');
      expect(byName.message).toMatch(/own DATA_DIR.*own JOB_STORE database/);
      const bySha = await rejected(store.claimOwnership({ ...first, modelSha256: 'b'.repeat(64) }));
      expect(bySha.code).toBe('DATA_DIR_IN_USE');
      expect(bySha.message).toContain('bbbbbbbbbbbb');
    });

    it('submit stores a queued job, and get returns it', async () => {
      const job = newJob({ webhook: hook('started', 'completed') });
      const { job: record, created } = await store.submit(job, 10);
      expect(created).toBe(true);
      expect(record).toEqual({
        id: job.id,
        status: 'queued',
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        attempts: 0,
        error: null,
        cancelRequested: false,
        webhook: hook('started', 'completed'),
      });
      expect(await store.get(job.id)).toEqual(record);
      expect(await store.get('no-such-job')).toBeUndefined();
      expect(await store.result(job.id)).toBeUndefined();
      expect(await t.bodies()).toEqual({ inputs: 1, results: 0 });
    });

    it('an idempotency key returns the first job for the same request, and conflicts for another', async () => {
      const first = newJob({ idempotencyKey: 'order-42' });
      expect((await store.submit(first, 10)).created).toBe(true);
      advance(1000);
      const again = await store.submit(
        { ...newJob({ idempotencyKey: 'order-42' }), requestHash: first.requestHash },
        10,
      );
      expect(again.created).toBe(false);
      expect(again.job.id).toBe(first.id);
      expect(again.job.createdAt).toBe(now - 1000);
      const changed = newJob({ idempotencyKey: 'order-42' }, Buffer.from('another body'));
      const conflict = await rejected(store.submit(changed, 10));
      expect(conflict.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(conflict.status).toBe(422);
      expect(await store.get(changed.id)).toBeUndefined();
      expect((await store.counts()).queued).toBe(1);
      expect(await t.bodies()).toEqual({ inputs: 1, results: 0 });
    });

    it('QUEUE_FULL (429, Retry-After) at maxQueued queued jobs; running and finished ones do not count', async () => {
      const key = newJob({ idempotencyKey: 'k' });
      await store.submit(key, 2);
      await store.submit(newJob(), 2);
      const full = await rejected(store.submit(newJob(), 2));
      expect(full.code).toBe('QUEUE_FULL');
      expect(full.status).toBe(429);
      expect(full.headers['retry-after']).toBe('30'); // nothing finished in the last minute
      expect(
        (await store.submit({ ...newJob({ idempotencyKey: 'k' }), requestHash: key.requestHash }, 2)).job.id,
      ).toBe(key.id);
      for (let i = 0; i < 6; i++) {
        const c = await claim();
        expect(await store.finish(c.job.id, c.leaseToken, { status: 'succeeded', result: json({ i }) })).toBe(
          'succeeded',
        );
        await store.submit(newJob(), 2);
      }
      // Six jobs finished in the last minute: a place frees up about every 10 s.
      expect((await rejected(store.submit(newJob(), 2))).headers['retry-after']).toBe('10');
      advance(MINUTE + 1);
      expect((await rejected(store.submit(newJob(), 2))).headers['retry-after']).toBe('30');
      await claim();
      expect((await store.submit(newJob(), 2)).created).toBe(true);
      expect(await t.bodies()).toEqual({ inputs: 3, results: 6 });
    });

    it('list shows newest first, pages with a stable cursor, and filters by status', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await submit()).id);
        advance(1);
      }
      const first = await store.list({ limit: 2 });
      expect(first.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
      expect(first.next).toEqual(expect.any(String));
      const newer = (await submit()).id; // added while paging: never shifts the following pages
      const second = await store.list({ limit: 2, cursor: must(first.next ?? undefined) });
      expect(second.jobs.map((j) => j.id)).toEqual([ids[2], ids[1]]);
      const third = await store.list({ limit: 2, cursor: must(second.next ?? undefined) });
      expect(third).toEqual({ jobs: [expect.objectContaining({ id: ids[0] })], next: null });
      expect((await store.list({ limit: 10 })).jobs.map((j) => j.id)).toEqual([
        newer,
        ...ids.slice().reverse(),
      ]);
      const running = await claim();
      expect(running.job.id).toBe(ids[0]);
      expect((await store.list({ status: 'running', limit: 10 })).jobs.map((j) => j.id)).toEqual([ids[0]]);
      const queued = await store.list({ status: 'queued', limit: 3 });
      expect(queued.jobs.map((j) => j.id)).toEqual([newer, ids[4], ids[3]]);
      const rest = await store.list({ status: 'queued', limit: 3, cursor: must(queued.next ?? undefined) });
      expect(rest).toEqual({
        jobs: [ids[2], ids[1]].map((id) => expect.objectContaining({ id })),
        next: null,
      });
      expect(await store.list({ status: 'failed', limit: 3 })).toEqual({ jobs: [], next: null });
      expect((await rejected(store.list({ limit: 2, cursor: 'not-a-cursor' }))).code).toBe(
        'INVALID_PARAMETER',
      );
    });

    it('claim takes the oldest queued job, leases it, and hands over its request exactly', async () => {
      const a = newJob();
      const submitted = (await store.submit(a, 10)).job;
      advance(5);
      const b = await submit({}, Buffer.from('second'));
      advance(5);
      const first = await claim();
      expect(first.job).toEqual({
        ...submitted,
        status: 'running',
        attempts: 1,
        startedAt: now,
      });
      expect(first.request).toEqual(a.request);
      expect(first.request.body.equals(BINARY)).toBe(true);
      const second = await claim();
      expect(second.job.id).toBe(b.id);
      expect(second.leaseToken).not.toBe(first.leaseToken);
      expect(await store.claim(LEASE, 3)).toBeUndefined();
      expect((await store.counts()).running).toBe(2);
    });

    it('claim hands over the input the caller still holds instead of reading it back', async () => {
      const held = await submit({}, Buffer.from('stored'));
      const other = await submit({}, Buffer.from('read back'));
      const asked: string[] = [];
      const kept = Buffer.from('held in memory');
      const heldInput = (id: string) => {
        asked.push(id);
        return id === held.id ? kept : undefined;
      };
      expect(must(await store.claim(LEASE, 3, heldInput)).request.body).toBe(kept);
      expect(must(await store.claim(LEASE, 3, heldInput)).request.body.toString()).toBe('read back');
      expect(asked).toEqual([held.id, other.id]);
    });

    it('renew extends the lease; an expired lease is retaken with attempts 2 and the stale worker is refused', async () => {
      const job = await submit();
      const stale = await claim(1000);
      advance(800);
      expect(await store.renew(job.id, stale.leaseToken, 1000)).toBe(true);
      advance(800); // 1600 ms after the claim, but 800 ms after the renewal
      expect(await store.claim(1000, 3)).toBeUndefined();
      advance(300);
      const current = await claim(1000);
      expect(current.job).toMatchObject({ id: job.id, status: 'running', attempts: 2, startedAt: now });
      expect(current.leaseToken).not.toBe(stale.leaseToken);
      const late = { status: 'succeeded', result: json({ from: 'the stale worker' }) } as const;
      expect(await store.renew(job.id, stale.leaseToken, 1000)).toBe(false);
      expect(await store.finish(job.id, stale.leaseToken, late)).toBeUndefined();
      expect(await store.release(job.id, stale.leaseToken)).toBe(false);
      expect(await store.get(job.id)).toEqual(current.job);
      expect(await store.result(job.id)).toBeUndefined();
      const answer = json({ from: 'the current worker' });
      expect(await store.finish(job.id, current.leaseToken, { status: 'succeeded', result: answer })).toBe(
        'succeeded',
      );
      expect(await store.finish(job.id, stale.leaseToken, late)).toBeUndefined();
      expect(await store.finish(job.id, current.leaseToken, late)).toBeUndefined();
      expect(await store.renew(job.id, current.leaseToken, 1000)).toBe(false);
      expect(await store.result(job.id)).toEqual(answer);
      expect(await store.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 2, finishedAt: now });
      expect(await t.bodies()).toEqual({ inputs: 0, results: 1 });
    });

    it('after JOB_MAX_ATTEMPTS expired leases the job fails with INFERENCE_FAILED and is not handed out', async () => {
      const job = await submit({ webhook: hook('failed') });
      await claim(1000, 2);
      advance(1000);
      expect((await claim(1000, 2)).job.attempts).toBe(2);
      advance(1000);
      const other = await submit();
      expect((await claim(1000, 2)).job.id).toBe(other.id);
      const failed = must(await store.get(job.id));
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 2,
        finishedAt: now,
        cancelRequested: false,
      });
      expect(failed.error?.code).toBe('INFERENCE_FAILED');
      expect(failed.error?.message).toMatch(/lease expired/);
      const result = must(await store.result(job.id));
      expect(result.status).toBe(500);
      expect(JSON.parse(result.body.toString())).toEqual({ error: failed.error });
      const [delivery, ...none] = await deliveries();
      expect(none).toEqual([]);
      expect(delivery).toMatchObject({ jobId: job.id, event: 'failed', attempts: 0 });
      expect(JSON.parse(must(delivery).payload).data).toMatchObject({
        id: job.id,
        status: 'failed',
        error: failed.error,
      });
      expect(await t.bodies()).toEqual({ inputs: 1, results: 0 });
    });

    it('finish records a success and its result, drops the input, and queues started and completed', async () => {
      const job = await submit({ webhook: hook('started', 'completed') });
      const c = await claim();
      advance(1234);
      const result = json({ detections: [{ label: 'bus', confidence: 0.9 }] });
      expect(await store.finish(job.id, c.leaseToken, { status: 'succeeded', result })).toBe('succeeded');
      expect(await store.get(job.id)).toEqual({ ...c.job, status: 'succeeded', finishedAt: now });
      expect(await store.result(job.id)).toEqual(result);
      expect(await t.bodies()).toEqual({ inputs: 0, results: 1 });
      const [started, completed, ...none] = await deliveries();
      expect(none).toEqual([]);
      expect(started).toMatchObject({
        jobId: job.id,
        event: 'started',
        url: hook().url,
        nextAttemptAt: now - 1234,
      });
      expect(JSON.parse(must(started).payload)).toMatchObject({
        type: 'job.started',
        data: { id: job.id, status: 'running', attempts: 1 },
      });
      expect(completed).toMatchObject({ jobId: job.id, event: 'completed', attempts: 0, nextAttemptAt: now });
      expect(JSON.parse(must(completed).payload)).toEqual({
        type: 'job.completed',
        timestamp: new Date(now).toISOString(),
        data: {
          id: job.id,
          status: 'succeeded',
          createdAt: new Date(job.createdAt).toISOString(),
          startedAt: new Date(now - 1234).toISOString(),
          finishedAt: new Date(now).toISOString(),
          attempts: 1,
          error: null,
          result: { detections: [{ label: 'bus', confidence: 0.9 }] },
        },
      });
      expect(must(started).id).not.toBe(must(completed).id);
    });

    it('finish records a failure with its error and result; failed is queued only when asked for', async () => {
      const error = { code: 'IMAGE_UNDECODABLE', message: 'Cannot decode the image' };
      const result = { ...json({ error }), status: 422 };
      const asked = await submit({ webhook: hook('failed') });
      const notAsked = await submit({ webhook: hook('completed') });
      for (const id of [asked.id, notAsked.id]) {
        const c = await claim();
        expect(c.job.id).toBe(id);
        expect(await store.finish(id, c.leaseToken, { status: 'failed', error, result })).toBe('failed');
        expect(await store.get(id)).toMatchObject({ status: 'failed', error, finishedAt: now });
        expect(await store.result(id)).toEqual(result);
      }
      const sent = await deliveries();
      expect(sent.map((d) => [d.jobId, d.event])).toEqual([[asked.id, 'failed']]);
      expect(JSON.parse(must(sent[0]).payload).data).toMatchObject({
        status: 'failed',
        error,
        result: { error },
      });
    });

    it("cancel ends a queued job at once, marks a running one, and the worker's finish ends it canceled", async () => {
      const queued = await submit();
      advance(10);
      const canceled = await store.cancel(queued.id);
      expect(canceled).toEqual({ ...queued, status: 'canceled', finishedAt: now });
      expect(await store.claim(LEASE, 3)).toBeUndefined();
      expect(await t.bodies()).toEqual({ inputs: 0, results: 0 });

      const running = await submit({ webhook: hook('completed', 'failed') });
      const c = await claim();
      const marked = await store.cancel(running.id);
      expect(marked).toEqual({ ...c.job, cancelRequested: true });
      expect(await store.cancel(running.id)).toEqual(marked);
      expect(await store.renew(running.id, c.leaseToken, LEASE)).toBe(true);
      advance(50);
      const result = json({ late: true });
      expect(await store.finish(running.id, c.leaseToken, { status: 'succeeded', result })).toBe('canceled');
      expect(await store.get(running.id)).toMatchObject({ status: 'canceled', finishedAt: now, error: null });
      expect(await store.result(running.id)).toBeUndefined();
      expect(await deliveries()).toEqual([]);
      expect(await t.bodies()).toEqual({ inputs: 0, results: 0 });

      const again = await rejected(store.cancel(queued.id));
      expect([again.code, again.status]).toEqual(['JOB_NOT_FINISHED', 409]);
      expect((await rejected(store.cancel('no-such-job'))).code).toBe('JOB_NOT_FOUND');
    });

    it('a job without a webhook whose cancel was asked while it ran ends canceled, whatever its worker reports', async () => {
      for (const outcome of [
        { status: 'succeeded', result: json({ late: true }) },
        { status: 'failed', error: { code: 'INFERENCE_FAILED', message: 'late' }, result: json({}) },
      ] as const) {
        const job = await submit();
        const c = await claim();
        await store.cancel(job.id);
        expect(await store.finish(job.id, c.leaseToken, outcome)).toBe('canceled');
        expect(await store.get(job.id)).toMatchObject({ status: 'canceled', error: null });
        expect(await store.result(job.id)).toBeUndefined();
      }
      expect(await t.bodies()).toEqual({ inputs: 0, results: 0 });
    });

    it('a canceled outcome ends a job canceled', async () => {
      const job = await submit({ webhook: hook('completed', 'failed') });
      const c = await claim();
      expect(await store.finish(job.id, c.leaseToken, { status: 'canceled' })).toBe('canceled');
      expect(await store.get(job.id)).toMatchObject({ status: 'canceled', finishedAt: now });
      expect(await deliveries()).toEqual([]);
    });

    it('release gives a claimed job back, undoing its attempt; a release after a cancel ends it', async () => {
      const job = await submit();
      const c = await claim();
      expect(await store.release(job.id, c.leaseToken)).toBe(true);
      expect(await store.get(job.id)).toEqual(job);
      expect(await store.release(job.id, c.leaseToken)).toBe(false);
      const again = await claim();
      expect(again.job).toMatchObject({ id: job.id, attempts: 1 });
      await store.cancel(job.id);
      expect(await store.release(job.id, again.leaseToken)).toBe(true);
      expect(await store.get(job.id)).toMatchObject({ status: 'canceled', finishedAt: now });
      expect(await t.bodies()).toEqual({ inputs: 0, results: 0 });
    });

    it('a job whose cancel was asked ends canceled when its lease expires, instead of running again', async () => {
      const job = await submit();
      await claim(1000);
      await store.cancel(job.id);
      advance(1000);
      expect(await store.claim(1000, 3)).toBeUndefined();
      expect(await store.get(job.id)).toMatchObject({ status: 'canceled', attempts: 1, finishedAt: now });
    });

    it('delete removes a finished job with its result; a queued or running one is refused', async () => {
      const job = await submit({ webhook: hook('completed') });
      expect((await rejected(store.delete(job.id))).code).toBe('JOB_NOT_FINISHED');
      const c = await claim();
      expect((await rejected(store.delete(job.id))).code).toBe('JOB_NOT_FINISHED');
      await store.finish(job.id, c.leaseToken, { status: 'succeeded', result: json({ ok: true }) });
      await store.delete(job.id);
      expect(await store.get(job.id)).toBeUndefined();
      expect(await store.result(job.id)).toBeUndefined();
      expect(await t.bodies()).toEqual({ inputs: 0, results: 0 });
      expect((await rejected(store.delete(job.id))).code).toBe('JOB_NOT_FOUND');
      // The completed webhook, its payload fixed when the job finished, is still sent.
      expect((await deliveries()).map((d) => d.event)).toEqual(['completed']);
    });

    it('counts tallies every status', async () => {
      expect(await store.counts()).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 });
      for (let i = 0; i < 5; i++) await submit();
      const [a, b] = [await claim(), await claim(), await claim()];
      await store.finish(must(a).job.id, must(a).leaseToken, { status: 'succeeded', result: json(1) });
      const failed = {
        status: 'failed',
        error: { code: 'INVALID_INPUT', message: 'x' },
        result: json(2),
      } as const;
      await store.finish(must(b).job.id, must(b).leaseToken, failed);
      await store.cancel(must((await store.list({ status: 'queued', limit: 1 })).jobs[0]).id);
      expect(await store.counts()).toEqual({ queued: 1, running: 1, succeeded: 1, failed: 1, canceled: 1 });
    });

    it('purge removes jobs finished before the cutoff, with their bodies and deliveries', async () => {
      const old = await submit({ webhook: hook('completed') });
      const waiting = await submit();
      const c = await claim();
      await store.finish(old.id, c.leaseToken, { status: 'succeeded', result: json('old') });
      const oldCanceled = await store.cancel(waiting.id);
      const stillQueued = await submit();
      advance(2 * 3_600_000);
      const recent = await submit({ webhook: hook('completed') });
      const r = await claim();
      expect(r.job.id).toBe(stillQueued.id);
      const r2 = await claim();
      await store.finish(recent.id, r2.leaseToken, { status: 'succeeded', result: json('recent') });
      expect(await t.bodies()).toEqual({ inputs: 1, results: 2 });
      expect(await store.purge(now - 3_600_000)).toBe(2);
      expect(await store.get(old.id)).toBeUndefined();
      expect(await store.get(oldCanceled.id)).toBeUndefined();
      expect(await store.get(recent.id)).toMatchObject({ status: 'succeeded' });
      expect(await store.get(stillQueued.id)).toMatchObject({ status: 'running' });
      expect(await t.bodies()).toEqual({ inputs: 1, results: 1 });
      expect((await deliveries()).map((d) => d.jobId)).toEqual([recent.id]);
      expect(await store.purge(now - 3_600_000)).toBe(0);
    });

    it('claimDelivery hands a due delivery to one sender at a time; retry keeps its id and reschedules it', async () => {
      const job = await submit({ webhook: hook('started', 'completed') });
      const c = await claim();
      const other = await another();
      const first = must(await store.claimDelivery(5000));
      expect(first).toMatchObject({ jobId: job.id, event: 'started', attempts: 0, nextAttemptAt: now });
      expect(first.id).toMatch(/^msg_/);
      expect(await store.claimDelivery(5000)).toBeUndefined();
      expect(await other.claimDelivery(5000)).toBeUndefined();
      advance(5000); // the first sender's lease ran out: it died
      expect(await other.claimDelivery(5000)).toEqual(first);
      await other.settleDelivery(first.id, { kind: 'retry', at: now + 10_000, reason: '500' });
      advance(9_999);
      expect(await store.claimDelivery(5000)).toBeUndefined();
      advance(1);
      expect(await store.claimDelivery(5000)).toEqual({ ...first, attempts: 1, nextAttemptAt: now });
      await store.settleDelivery(first.id, { kind: 'delivered', status: 204 });
      advance(5000);
      expect(await store.claimDelivery(5000)).toBeUndefined();

      await store.finish(job.id, c.leaseToken, { status: 'succeeded', result: json({}) });
      const completed = must(await store.claimDelivery(5000));
      expect(completed.event).toBe('completed');
      await store.settleDelivery(completed.id, { kind: 'abandoned', reason: '410 Gone' });
      advance(5000);
      expect(await store.claimDelivery(5000)).toBeUndefined();
    });

    it('concurrent claims, from two handles, take each job and each delivery once', async () => {
      const other = await another();
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await submit({ webhook: hook('started') })).id);
      const claims = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? store : other).claim(LEASE, 3)),
      );
      const taken = claims.filter((c): c is Claim => c !== undefined).map((c) => c.job.id);
      expect(taken.sort()).toEqual([...ids].sort());
      const sent = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? store : other).claimDelivery(LEASE)),
      );
      const sentIds = sent.filter((d) => d !== undefined).map((d) => d.jobId);
      expect(sentIds.sort()).toEqual([...ids].sort());
    });
  });
}
