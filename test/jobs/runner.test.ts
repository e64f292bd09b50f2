import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/jobs/queue.js';
import type { Replayed } from '../../src/jobs/replay.js';
import { JobRunner, type RunnerDeps, type RunnerSettings } from '../../src/jobs/runner.js';
import { SqliteJobStore } from '../../src/jobs/store/sqlite.js';
import type { JobRequest, JobStore } from '../../src/jobs/types.js';
import { createLogger, type Logger } from '../../src/log.js';
import { Admission } from '../../src/serving/admission.js';

/** A log that keeps its lines, to assert what the runner reported. */
function memoryLog(): Logger & { lines: { message: string; jobId?: string }[] } {
  const lines: { message: string; jobId?: string }[] = [];
  return Object.assign(
    createLogger('debug', (line) => lines.push(JSON.parse(line))),
    { lines },
  );
}

/** A run the test ends: each call waits until `finish(i)` (or its abort signal), then answers. */
function controlledRuns() {
  const calls: { request: JobRequest; signal: AbortSignal; end: (r: Replayed) => void }[] = [];
  const waiters: (() => void)[] = [];
  return {
    calls,
    run(request: JobRequest, signal: AbortSignal): Promise<Replayed> {
      return new Promise((resolve) => {
        calls.push({ request, signal, end: resolve });
        for (const w of waiters.splice(0)) w();
      });
    },
    /** Resolves once `n` runs have started. */
    async started(n: number): Promise<void> {
      while (calls.length < n) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

const ok = (text: string): Replayed => ({
  result: { status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify({ text })) },
  error: null,
});

const dirs: string[] = [];
const stores: JobStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openStore(dataDir?: string, clock?: () => number): { store: JobStore; dataDir: string } {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'rocket-runner-'));
  if (!dataDir) dirs.push(dir);
  const store = SqliteJobStore.open(dir, clock);
  stores.push(store);
  return { store, dataDir: dir };
}

let seq = 0;
async function submit(store: JobStore, text = `job ${++seq}`): Promise<string> {
  const request = { contentType: 'text/plain', accept: '', query: '', body: Buffer.from(text) };
  const id = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  const { job } = await store.submit(
    { id, request, webhook: null, idempotencyKey: null, requestHash: requestHash(request) },
    100,
  );
  return job.id;
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}

const settings: RunnerSettings = { leaseMs: 600, maxAttempts: 3, idlePollMs: 20, busyPollMs: 5 };

function runner(store: JobStore, admission: Admission, run: RunnerDeps['run'], log = memoryLog()) {
  return new JobRunner({ store, slot: () => admission.tryBackground(), run, log }, settings);
}

describe('JobRunner', () => {
  it('runs a queued job and records the answer of its run: succeeded, or failed with its error', async () => {
    const { store } = openStore();
    const good = await submit(store, 'good');
    const bad = await submit(store, 'bad');
    const jobs = new JobRunner(
      {
        store,
        slot: () => new Admission(8, 0).tryBackground(),
        run: async (request) =>
          request.body.toString() === 'good'
            ? ok('fine')
            : {
                result: { status: 422, contentType: 'application/json', body: Buffer.from('{"error":{}}') },
                error: { code: 'IMAGE_UNDECODABLE', message: 'not an image' },
              },
        log: memoryLog(),
      },
      settings,
    );
    jobs.wake();
    await until(
      async () =>
        (await store.get(bad))?.status === 'failed' && (await store.get(good))?.status === 'succeeded',
    );
    expect(JSON.parse((await store.result(good))?.body.toString() ?? '')).toEqual({ text: 'fine' });
    expect((await store.get(bad))?.error).toEqual({ code: 'IMAGE_UNDECODABLE', message: 'not an image' });
    expect((await store.result(bad))?.status).toBe(422);
    expect(await jobs.stop(1000)).toBe(true);
  });

  it('runs a job submitted here on the input it was handed, without reading it back', async () => {
    const { store } = openStore();
    const id = await submit(store, 'stored');
    const runs = controlledRuns();
    const jobs = runner(store, new Admission(4, 0), runs.run);
    const handed = Buffer.from('stored');
    jobs.accepted(id, handed);
    await runs.started(1);
    expect(runs.calls[0]?.request.body, 'the very buffer the submit handed over').toBe(handed);
    runs.calls[0]?.end(ok('done'));
    await until(async () => (await store.get(id))?.status === 'succeeded');
    expect(await jobs.stop(1000)).toBe(true);
  });

  it('takes jobs only into spare background slots: half of them, and none while a request waits', async () => {
    const { store } = openStore();
    for (let i = 0; i < 3; i++) await submit(store);
    const admission = new Admission(2, 4);
    const runs = controlledRuns();
    const jobs = runner(store, admission, runs.run);
    const request = admission.enter();
    await request.start();
    const waiting = admission.enter();
    const waitingStart = waiting.start();
    jobs.wake();
    await new Promise((r) => setTimeout(r, 100));
    expect(runs.calls, 'a request waits for a slot: no job starts').toHaveLength(0);
    request.release();
    await waitingStart;
    await runs.started(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs.calls, 'one of the two slots is background work').toHaveLength(1);
    expect((await store.counts()).queued).toBe(2);
    waiting.release();
    runs.calls[0]?.end(ok('1'));
    await runs.started(2);
    runs.calls[1]?.end(ok('2'));
    await runs.started(3);
    runs.calls[2]?.end(ok('3'));
    await until(async () => (await store.counts()).succeeded === 3);
    expect(await jobs.stop(1000)).toBe(true);
  });

  it('renews the lease while a job runs longer than it, so no other worker takes the job', async () => {
    const { store, dataDir } = openStore();
    const id = await submit(store);
    const runs = controlledRuns();
    const first = runner(store, new Admission(2, 0), runs.run);
    first.wake();
    await runs.started(1);
    const { store: other } = openStore(dataDir);
    await new Promise((r) => setTimeout(r, 2.5 * settings.leaseMs));
    expect(await other.claim(settings.leaseMs, 3), 'the lease was renewed').toBeUndefined();
    runs.calls[0]?.end(ok('done'));
    await until(async () => (await store.get(id))?.status === 'succeeded');
    expect((await store.get(id))?.attempts).toBe(1);
    await first.stop(0);
  });

  it('discards the late result of a worker whose lease expired and whose job was taken again', async () => {
    const { store, dataDir } = openStore();
    const id = await submit(store);
    const runs = controlledRuns();
    const log = memoryLog();
    const stale = runner(store, new Admission(2, 0), runs.run, log);
    stale.wake();
    await runs.started(1);
    // A second worker whose clock is past the lease: the first one's lease has expired for it.
    const { store: later } = openStore(dataDir, () => Date.now() + 10 * settings.leaseMs);
    const retaken = await later.claim(settings.leaseMs, 3);
    expect(retaken?.job).toMatchObject({ id, attempts: 2 });
    const second = { status: 'succeeded', result: ok('second').result } as const;
    expect(await later.finish(id, retaken?.leaseToken ?? '', second)).toBe(second.status);
    runs.calls[0]?.end(ok('first, late'));
    await until(() => log.lines.some((l) => l.message.startsWith('job result discarded')));
    expect(JSON.parse((await store.result(id))?.body.toString() ?? '')).toEqual({ text: 'second' });
    expect(await store.get(id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(log.lines.find((l) => l.message.startsWith('job result discarded'))?.jobId).toBe(id);
    await stale.stop(0);
  });

  it('ends a running job canceled when its cancel is asked: its run is aborted at the next renewal', async () => {
    const { store } = openStore();
    const id = await submit(store);
    const runs = controlledRuns();
    const jobs = runner(store, new Admission(2, 0), runs.run);
    jobs.wake();
    await runs.started(1);
    expect((await store.cancel(id)).status).toBe('running');
    const call = runs.calls[0];
    await until(() => call?.signal.aborted === true);
    call?.end(ok('too late'));
    await until(async () => (await store.get(id))?.status === 'canceled');
    expect(await store.result(id)).toBeUndefined();
    await jobs.stop(0);
  });

  it('says a job ended canceled when its cancel came after the last renewal, as the store recorded it', async () => {
    const { store } = openStore();
    const id = await submit(store);
    const runs = controlledRuns();
    const log = memoryLog();
    const started: string[] = [];
    const finished: string[] = [];
    const jobs = new JobRunner(
      {
        store,
        slot: () => new Admission(2, 0).tryBackground(),
        run: runs.run,
        log,
        onStarted: (job) => started.push(`${job.id} ${job.status}`),
        onFinished: (job, status) => finished.push(`${job.id} ${status}`),
      },
      settings,
    );
    jobs.wake();
    await runs.started(1);
    await store.cancel(id);
    runs.calls[0]?.end(ok('answered before the lease saw the cancel'));
    await until(() => finished.length === 1);
    expect(started).toEqual([`${id} running`]);
    expect(finished).toEqual([`${id} canceled`]);
    expect(log.lines.find((l) => l.jobId === id && l.message.startsWith('job '))?.message).toBe(
      'job canceled',
    );
    expect(await store.get(id)).toMatchObject({ status: 'canceled' });
    await jobs.stop(0);
  });

  it('on stop, claims no more, lets a job finish within the grace, and gives back one that outlasts it', async () => {
    const { store } = openStore();
    const quick = await submit(store);
    const slow = await submit(store);
    const queued = await submit(store);
    const runs = controlledRuns();
    const jobs = runner(store, new Admission(3, 0), runs.run); // jobs may take 2 of the 3 slots
    jobs.wake();
    await runs.started(2);
    const stopped = jobs.stop(300);
    setTimeout(() => runs.calls[0]?.end(ok('quick')), 50);
    expect(await stopped, 'one job outlasted the grace').toBe(false);
    expect(runs.calls[1]?.signal.aborted).toBe(true);
    runs.calls[1]?.end(ok('slow, after the stop'));
    expect(await store.get(quick)).toMatchObject({ status: 'succeeded' });
    expect(await store.get(slow), 'given back, its attempt undone').toMatchObject({
      status: 'queued',
      attempts: 0,
    });
    expect(await store.get(queued)).toMatchObject({ status: 'queued', attempts: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(runs.calls).toHaveLength(2);
    expect(await store.get(slow)).toMatchObject({ status: 'queued' });
  });
});
