import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJobStore } from '../../src/jobs/store/open.js';
import { freshSchema, hasPostgres, noteIfNoPostgres, type TestSchema } from '../helpers/postgres.js';
import { ROOT } from '../helpers/server.js';

const WORKER = join(ROOT, 'test', 'jobs', 'store-worker.mjs');
const BUILT = join(ROOT, 'dist', 'src', 'jobs', 'store', 'open.js');
const JOBS = 300;
const PROCESSES = 3;

noteIfNoPostgres('three processes sharing one PostgreSQL job store');

/** Starts a worker process on the store `env` names; resolves once it has opened the store. */
async function startWorker(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: Promise<string> }> {
  const child = spawn(process.execPath, [WORKER], { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const output = once(child, 'close').then(([code]) => {
    if (code !== 0) throw new Error(`worker exited ${code}: ${stderr}`);
    return stdout;
  });
  while (!stdout.includes('ready\n')) {
    await Promise.race([once(child.stdout as NodeJS.ReadableStream, 'data'), output]);
  }
  return { child, output };
}

/**
 * Issue test 4 at the store: three OS processes share one store and work 300 jobs; every job is
 * finished exactly once (no finish of one job returns true twice across processes), succeeds, and
 * keeps the result of the process that finished it.
 */
async function shareOneStore(kind: string, config: { JOB_STORE: string }, dataDir: string): Promise<void> {
  const store = await openJobStore(config, { dataDir });
  try {
    await store.claimOwnership({ rocket: 'shared', modelSha256: 'c'.repeat(64) });
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const id = randomUUID();
      ids.push(id);
      const request = { contentType: 'text/csv', accept: '', query: '', body: Buffer.from(`row,${i}\n`) };
      await store.submit({ id, request, webhook: null, idempotencyKey: null, requestHash: id }, JOBS);
    }
    const env = { STORE_URL: config.JOB_STORE, STORE_DATA_DIR: dataDir };
    const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker(env)));
    const started = performance.now();
    for (const { child } of workers) child.stdin?.end('go\n');
    const reports = (await Promise.all(workers.map((w) => w.output))).map(
      (out) => JSON.parse(out.trim().split('\n').at(-1) as string) as { pid: number; finished: string[] },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${kind}: ${JOBS} jobs claimed and finished by ${PROCESSES} processes in ${seconds.toFixed(2)} s ` +
        `(${reports.map((r) => r.finished.length).join(' + ')})`,
    );
    const finished = reports.flatMap((r) => r.finished);
    expect(finished).toHaveLength(JOBS);
    expect(new Set(finished).size).toBe(JOBS);
    expect([...finished].sort()).toEqual([...ids].sort());
    expect(await store.counts()).toEqual({ queued: 0, running: 0, succeeded: JOBS, failed: 0, canceled: 0 });
    for (const { pid, finished: mine } of reports) {
      for (const id of mine) {
        expect((await store.result(id))?.body.toString()).toBe(`${pid}:${id}`);
        expect((await store.get(id))?.attempts).toBe(1);
      }
    }
  } finally {
    await store.close();
  }
}

describe(`${PROCESSES} processes share one job store`, () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('the built store exists (npm run build:ts)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run npm run build:ts`).toBe(true);
  });

  it(`SQLite in one DATA_DIR: ${JOBS} jobs each finish exactly once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rocket-jobs-shared-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await shareOneStore('SQLite', { JOB_STORE: '' }, dir);
  });

  it.skipIf(!hasPostgres)(`PostgreSQL at one JOB_STORE: ${JOBS} jobs each finish exactly once`, async () => {
    const schema: TestSchema = await freshSchema();
    cleanups.push(() => schema.drop());
    await shareOneStore('PostgreSQL', { JOB_STORE: schema.url }, '');
  });
});
