/**
 * The runner in real server processes, with a classifier made slow on purpose (each job runs long
 * enough to act on while it runs): a SIGKILL, an expired lease, cancels, a full queue, SIGTERM.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteJobStore } from '../../src/jobs/store/sqlite.js';
import { json } from '../helpers/http.js';
import { getJob, jobResult, postJob, submitImageJob, waitForJob } from '../helpers/job-client.js';
import { solidImage } from '../helpers/models.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { writeSlowColourRocket } from '../helpers/slow-models.js';

/** 40 × 2 GFLOP: about half a second per job on one core, longer on a busy machine. */
const slowRocket = writeSlowColourRocket(40);
let red: Buffer;
beforeAll(async () => {
  red = await solidImage([220, 20, 30]);
});

/** A server of the slow rocket on `dataDir`, with leases of JOB_LEASE_S=2 s. */
function slowServer(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer('npm start server', {
    ROCKET_URL: slowRocket,
    DATA_DIR: dataDir,
    JOB_LEASE_S: '2',
    ...env,
  });
}

const newDataDir = () => mkdtempSync(join(tmpdir(), 'rocket-jobs-e2e-'));
/** Resolves with the exit code and signal once the process has exited and its output is all read. */
const exited = (server: RunningServer) =>
  once(server.proc, 'close') as Promise<[number | null, string | null]>;
const running = (url: string, id: string) => waitForJob(url, id, (j) => j.status === 'running');
const topLabel = async (url: string, id: string) =>
  JSON.parse((await jobResult(url, id)).body.toString()).predictions[0].label;

/** The job as its store holds it, read directly by this test. */
async function stored(dataDir: string, id: string) {
  const store = SqliteJobStore.open(dataDir);
  try {
    return await store.get(id);
  } finally {
    await store.close();
  }
}

describe('at-least-once, with one final result', { timeout: 120_000 }, () => {
  it('a job whose server is SIGKILLed while it runs is finished by a new server on the same DATA_DIR; nothing is lost', async () => {
    const dataDir = newDataDir();
    const first = await slowServer(dataDir);
    const killed = await submitImageJob(first.url, red);
    const waiting = await submitImageJob(first.url, red);
    await running(first.url, killed.id);
    const gone = exited(first);
    first.proc.kill('SIGKILL');
    await gone;
    const second = await slowServer(dataDir);
    try {
      expect(await waitForJob(second.url, killed.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(await waitForJob(second.url, waiting.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(await topLabel(second.url, killed.id)).toBe('red');
    } finally {
      await second.stop();
    }
  });

  it('a lease that expires (its server stopped) lets another server retake the job; the stale late result is refused', async () => {
    const dataDir = newDataDir();
    const stale = await slowServer(dataDir);
    const job = await submitImageJob(stale.url, red);
    await running(stale.url, job.id);
    stale.proc.kill('SIGSTOP'); // it renews no more; its inference is frozen midway
    const taker = await slowServer(dataDir);
    try {
      const done = await waitForJob(taker.url, job.id);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
      stale.proc.kill('SIGCONT'); // its inference returns, after the job was finished elsewhere
      while (!/job result discarded/.test(stale.output())) await new Promise((r) => setTimeout(r, 50));
      const discarded = stale
        .output()
        .split('\n')
        .filter((l) => l.includes('job result discarded'))
        .map((l) => JSON.parse(l));
      expect(discarded).toEqual([expect.objectContaining({ jobId: job.id, attempt: 1 })]);
      expect(await getJob(taker.url, job.id)).toEqual(done);
      expect(await topLabel(taker.url, job.id)).toBe('red');
    } finally {
      stale.proc.kill('SIGCONT');
      await Promise.all([stale.stop(), taker.stop()]);
    }
  });
});

describe('cancel, and a full queue (MAX_JOBS_QUEUED=2)', { timeout: 120_000 }, () => {
  it('cancels a queued job at once and a running one when its inference returns; past the limit, 429 QUEUE_FULL', async () => {
    const server = await slowServer(newDataDir(), { MAX_JOBS_QUEUED: '2' });
    try {
      const first = await submitImageJob(server.url, red);
      await running(server.url, first.id);
      const queued = await submitImageJob(server.url, red);
      const next = await submitImageJob(server.url, red);
      const refused = await postJob(server.url, red);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await json(refused)).error.code).toBe('QUEUE_FULL');

      const canceledQueued = await fetch(`${server.url}/jobs/${queued.id}/cancel`, { method: 'POST' });
      expect(canceledQueued.status).toBe(200);
      expect((await json(canceledQueued)).status).toBe('canceled');
      const cancelRunning = await fetch(`${server.url}/jobs/${first.id}/cancel`, { method: 'POST' });
      expect(cancelRunning.status).toBe(202);
      expect((await json(cancelRunning)).status).toBe('running');
      expect(await waitForJob(server.url, first.id)).toMatchObject({ status: 'canceled', attempts: 1 });
      const result = await jobResult(server.url, first.id);
      expect(result.status).toBe(409);
      expect(JSON.parse(result.body.toString()).error.code).toBe('JOB_CANCELED');

      expect(await waitForJob(server.url, next.id), 'the next job still runs').toMatchObject({
        status: 'succeeded',
      });
      expect((await getJob(server.url, queued.id)).startedAt, 'the canceled queued job never ran').toBeNull();
    } finally {
      await server.stop();
    }
  });
});

describe('SIGTERM', { timeout: 120_000 }, () => {
  it('lets a running job finish within SHUTDOWN_GRACE_S, then exits 0', async () => {
    const dataDir = newDataDir();
    const server = await slowServer(dataDir, { SHUTDOWN_GRACE_S: '60' });
    const job = await submitImageJob(server.url, red);
    await running(server.url, job.id);
    const gone = exited(server);
    server.proc.kill('SIGTERM');
    expect((await gone)[0]).toBe(0);
    expect(await stored(dataDir, job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('gives a job that outlasts the grace back to the queue (its attempt undone), for the next server', async () => {
    const dataDir = newDataDir();
    const server = await slowServer(dataDir, { SHUTDOWN_GRACE_S: '0' });
    const job = await submitImageJob(server.url, red);
    await running(server.url, job.id);
    const gone = exited(server);
    server.proc.kill('SIGTERM');
    expect((await gone)[0]).toBe(0);
    expect(server.output()).toMatch(/job given back to the queue/);
    expect(await stored(dataDir, job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    const next = await slowServer(dataDir);
    try {
      expect(await waitForJob(next.url, job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    } finally {
      await next.stop();
    }
  });
});
