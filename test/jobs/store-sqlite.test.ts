import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openJobStore } from '../../src/jobs/store/open.js';
import { SqliteJobStore } from '../../src/jobs/store/sqlite.js';
import { DATABASE_FILE } from '../../src/jobs/store/sqlite-schema.js';
import type { JobStore } from '../../src/jobs/types.js';
import { caught } from '../helpers/errors.js';
import { jobStoreConformance } from './store-conformance.js';

const files = (dir: string, kind: string) => readdirSync(join(dir, kind));
const tempDir = () => mkdtempSync(join(tmpdir(), 'rocket-jobs-'));

jobStoreConformance('SQLite in DATA_DIR', async (clock) => {
  const dir = tempDir();
  return {
    store: SqliteJobStore.open(dir, clock),
    openAnother: async () => SqliteJobStore.open(dir, clock),
    bodies: async () => ({ inputs: files(dir, 'inputs').length, results: files(dir, 'results').length }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteJobStore', () => {
  const opened: JobStore[] = [];
  const dirs: string[] = [];
  const open = (dir: string, clock?: () => number) => {
    const store = SqliteJobStore.open(dir, clock);
    opened.push(store);
    return store;
  };
  const newDir = () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('openJobStore opens it in dataDir when JOB_STORE is empty: WAL mode, the bodies as files beside it', async () => {
    const dir = join(newDir(), 'created', 'on', 'open');
    const store = await openJobStore({ JOB_STORE: '' }, { dataDir: dir });
    opened.push(store);
    expect(store).toBeInstanceOf(SqliteJobStore);
    const body = Buffer.from('an image');
    await store.submit(
      {
        id: 'job-1',
        request: { contentType: 'image/jpeg', accept: '', query: '', body },
        webhook: null,
        idempotencyKey: null,
        requestHash: 'h',
      },
      10,
    );
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT input_file FROM jobs').pluck().all()).toEqual([
      `inputs/${files(dir, 'inputs')[0]}`,
    ]);
    db.close();
  });

  it('retention removes old jobs and their files under a fake clock', async () => {
    const dir = newDir();
    let now = Date.UTC(2026, 0, 1);
    const store = open(dir, () => now);
    const request = { contentType: 'image/jpeg', accept: '', query: '', body: Buffer.alloc(100_000, 7) };
    const submit = (id: string) =>
      store.submit({ id, request, webhook: null, idempotencyKey: null, requestHash: id }, 100);
    for (const id of ['a', 'b', 'c']) await submit(id);
    for (let i = 0; i < 2; i++) {
      const c = await store.claim(30_000, 3);
      if (!c) throw new Error('expected a job');
      const result = { status: 200, contentType: 'image/png', body: Buffer.alloc(50_000, i) };
      await store.finish(c.job.id, c.leaseToken, { status: 'succeeded', result });
    }
    expect([files(dir, 'inputs').length, files(dir, 'results').length]).toEqual([1, 2]);
    now += 24 * 3_600_000;
    expect(await store.purge(now - 24 * 3_600_000 + 1)).toBe(2);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('c')).toMatchObject({ status: 'queued' });
    expect([files(dir, 'inputs').length, files(dir, 'results').length]).toEqual([1, 0]);
    expect((await store.claim(30_000, 3))?.request.body.equals(request.body)).toBe(true);
  });

  it('purge also removes old files no job names (written by a process that died before its commit)', async () => {
    const dir = newDir();
    const store = open(dir);
    writeFileSync(join(dir, 'inputs', 'orphan-old'), 'x');
    writeFileSync(join(dir, 'results', 'orphan-old'), 'x');
    writeFileSync(join(dir, 'results', 'orphan-new'), 'x');
    const longAgo = new Date(Date.now() - 48 * 3_600_000);
    utimesSync(join(dir, 'inputs', 'orphan-old'), longAgo, longAgo);
    utimesSync(join(dir, 'results', 'orphan-old'), longAgo, longAgo);
    await store.submit(
      {
        id: 'kept',
        request: { contentType: 'text/csv', accept: '', query: '', body: Buffer.from('a,b\n1,2\n') },
        webhook: null,
        idempotencyKey: null,
        requestHash: 'h',
      },
      10,
    );
    const kept = files(dir, 'inputs').filter((f) => !f.startsWith('orphan'));
    for (const f of kept) utimesSync(join(dir, 'inputs', f), longAgo, longAgo);
    expect(await store.purge(Date.now() - 24 * 3_600_000)).toBe(0);
    expect(files(dir, 'inputs')).toEqual(kept);
    expect(files(dir, 'results')).toEqual(['orphan-new']);
  });

  it('JOB_STORE_UNAVAILABLE, with the reason, when DATA_DIR cannot be created or its database opened', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'a-file'), '');
    const notADir = caught(() => SqliteJobStore.open(join(dir, 'a-file', 'jobs')));
    expect(notADir?.code).toBe('JOB_STORE_UNAVAILABLE');
    expect(notADir?.message).toMatch(
      /^DATA_DIR .*a-file\/jobs cannot be opened: the folder cannot be created.*ENOTDIR/,
    );
    const dbIsDir = newDir();
    mkdirSync(join(dbIsDir, DATABASE_FILE));
    const cannotOpen = caught(() => SqliteJobStore.open(dbIsDir));
    expect(cannotOpen?.code).toBe('JOB_STORE_UNAVAILABLE');
    expect(cannotOpen?.message).toContain(`its database ${DATABASE_FILE} cannot be opened`);
  });
});
