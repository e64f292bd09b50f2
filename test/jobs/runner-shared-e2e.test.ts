/**
 * Several processes on one job store: three servers on one SQLite DATA_DIR, three on one
 * PostgreSQL database (with ROCKET_TEST_POSTGRES_URL), and `rocket worker` beside a web tier that
 * only takes jobs (JOBS=false). Each of 300 jobs is run to its end exactly once.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../helpers/http.js';
import { getJob, submitImageJob, waitForJob } from '../helpers/job-client.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { freshSchema, hasPostgres, noteIfNoPostgres, type TestSchema } from '../helpers/postgres.js';
import { ROOT, type RunningServer, startServer } from '../helpers/server.js';

noteIfNoPostgres('the three servers on one PostgreSQL store');

const JOBS = 300;
const rocket = writeColourRocket();
let images: Buffer[];
beforeAll(async () => {
  images = await Promise.all([
    solidImage([220, 20, 30]),
    solidImage([20, 200, 30]),
    solidImage([20, 30, 220]),
  ]);
});

/** The ids of the jobs a process's log says it ran to their end (`job succeeded` lines). */
function succeededIn(server: { output(): string }): string[] {
  return server
    .output()
    .split('\n')
    .filter((l) => l.includes('"job succeeded"'))
    .map((l) => JSON.parse(l).jobId as string);
}

/** Resolves once `check` holds (its processes' logs reach this test a moment after their answers). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

/** Submits JOBS jobs round-robin to `servers`, 8 at a time; resolves with their ids and colours. */
async function submitMany(servers: RunningServer[]): Promise<{ id: string; colour: number }[]> {
  const jobs: { id: string; colour: number }[] = [];
  for (let i = 0; i < JOBS; i += 8) {
    const batch = Array.from({ length: Math.min(8, JOBS - i) }, (_, k) => i + k);
    jobs.push(
      ...(await Promise.all(
        batch.map(async (n) => {
          const colour = n % 3;
          const job = await submitImageJob(
            (servers[n % servers.length] as RunningServer).url,
            images[colour] as Buffer,
          );
          return { id: job.id, colour };
        }),
      )),
    );
  }
  return jobs;
}

/** Three servers share one store: every job succeeds once, on one of them, with its own answer. */
function sharedStoreSuite(env: () => Record<string, string>) {
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    const shared = env();
    servers.push(
      ...(await Promise.all(
        [0, 1, 2].map(() => startServer('npm start server', { ROCKET_URL: rocket, ...shared })),
      )),
    );
  });
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  it(`${JOBS} jobs each finish exactly once`, { timeout: 120_000 }, async () => {
    const jobs = await submitMany(servers);
    const labels = ['red', 'green', 'blue'];
    for (const { id, colour } of jobs) {
      const job = await waitForJob(servers[0]?.url ?? '', id);
      expect(job, id).toMatchObject({ status: 'succeeded', attempts: 1 });
      const res = await fetch(`${servers[1]?.url}/jobs/${id}/result`);
      expect((await json(res)).predictions[0].label).toBe(labels[colour]);
    }
    await until(() => servers.flatMap(succeededIn).length >= JOBS);
    for (const server of servers)
      expect(succeededIn(server).length, 'each server ran jobs').toBeGreaterThan(0);
    const ran = servers.flatMap(succeededIn);
    expect(ran).toHaveLength(JOBS);
    expect(new Set(ran)).toEqual(new Set(jobs.map((j) => j.id)));
  });
}

describe('three servers on one SQLite DATA_DIR', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rocket-shared-'));
  sharedStoreSuite(() => ({ DATA_DIR: dataDir }));
});

describe.skipIf(!hasPostgres)('three servers on one PostgreSQL JOB_STORE', () => {
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    schema = await freshSchema();
  });
  afterAll(() => schema?.drop());
  sharedStoreSuite(() => ({ JOB_STORE: schema?.url ?? '' }));
});

describe('rocket worker beside a web tier that only takes jobs (JOBS=false)', { timeout: 120_000 }, () => {
  it('the worker runs the jobs the web tier took, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rocket-worker-'));
    const web = await startServer('npm start server', {
      ROCKET_URL: rocket,
      DATA_DIR: dataDir,
      JOBS: 'false',
    });
    const worker = spawn(process.execPath, [join(ROOT, 'dist', 'bundle', 'cli.js'), 'worker'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', WORKERS: '1', ROCKET_URL: rocket, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (d) => (output += d));
    worker.stderr.on('data', (d) => (output += d));
    try {
      const jobs = await Promise.all(images.map((image) => submitImageJob(web.url, image)));
      for (const job of jobs)
        expect(await waitForJob(web.url, job.id)).toMatchObject({ status: 'succeeded' });
      await until(() => succeededIn({ output: () => output }).length >= jobs.length);
      expect(new Set(succeededIn({ output: () => output }))).toEqual(new Set(jobs.map((j) => j.id)));
      expect(succeededIn(web), 'the web tier ran none').toEqual([]);
      expect((await getJob(web.url, jobs[0]?.id ?? '')).attempts).toBe(1);
    } finally {
      const gone = once(worker, 'close');
      worker.kill('SIGTERM');
      const [code] = await gone;
      expect(code, output).toBe(0);
      await web.stop();
    }
  });
});
