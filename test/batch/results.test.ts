import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultLine } from '../../src/batch/results/line.js';
import { LocalResults, scanResults } from '../../src/batch/results/local.js';
import { RemoteResults } from '../../src/batch/results/remote.js';
import { Stores } from '../../src/batch/stores/index.js';
import { type FakeBuckets, startFakeBuckets } from './fake-buckets.js';

const ok = (i: number): ResultLine => ({ input: `in/${i}.jpg`, ok: true, result: { n: i } });
const failed = (i: number): ResultLine => ({
  input: `in/${i}.jpg`,
  ok: false,
  error: { code: 'IMAGE_UNDECODABLE', message: 'Cannot decode the image' },
});

describe('a local results file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rocket-batch-results-'));
  });

  it('appends one line per input and reads them back on the next open', async () => {
    const path = join(dir, 'a.jsonl');
    const first = await LocalResults.open(path);
    expect(first.resumed).toEqual({ lines: 0, failed: 0, torn: false });
    first.append(ok(1));
    first.append(failed(2));
    await first.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual([ok(1), failed(2)]);
    const again = await LocalResults.open(path);
    expect(again.resumed).toEqual({ lines: 2, failed: 1, torn: false });
    expect([...again.done]).toEqual(['in/1.jpg', 'in/2.jpg']);
    await again.close();
  });

  it('cuts off a torn last line, so its input runs again', async () => {
    const path = join(dir, 'torn.jsonl');
    writeFileSync(path, `${JSON.stringify(ok(1))}\n${JSON.stringify(ok(2))}\n`);
    const whole = readFileSync(path).length;
    appendFileSync(path, JSON.stringify(ok(3)).slice(0, 20));
    const results = await LocalResults.open(path);
    expect(results.resumed).toEqual({ lines: 2, failed: 0, torn: true });
    expect(results.done.has('in/3.jpg')).toBe(false);
    expect(readFileSync(path).length).toBe(whole);
    results.append(ok(3));
    await results.close();
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([ok(1), ok(2), ok(3)]);
  });

  it('reads a long file in chunks, lines across chunk edges included', async () => {
    const path = join(dir, 'long.jsonl');
    const big = (i: number): ResultLine => ({
      input: `in/${i}.jpg`,
      ok: true,
      result: { pad: 'x'.repeat(3000 + i) },
    });
    writeFileSync(path, Array.from({ length: 200 }, (_, i) => `${JSON.stringify(big(i))}\n`).join(''));
    const scanned = await scanResults(path);
    expect(scanned.lines).toBe(200);
    expect(scanned.torn).toBe(false);
    expect(scanned.end).toBe(readFileSync(path).length);
  });
});

describe('results in a bucket', () => {
  let fake: FakeBuckets;
  const saved = { ...process.env };
  beforeAll(async () => {
    fake = await startFakeBuckets();
    Object.assign(process.env, fake.env);
  });
  afterAll(async () => {
    process.env = saved;
    await fake.close();
  });

  it.each(['gs', 's3'] as const)(
    '%s: lines go up as parts, are read back by a re-run, and become one results object',
    async (scheme) => {
      const stores = new Stores();
      const store = stores.of({ kind: 'bucket', scheme, bucket: 'out', prefix: '' });
      const keys = { results: `${scheme}/results-0-of-1.jsonl`, parts: `${scheme}/_partial/results-0-of-1/` };
      const staging = await mkdtemp(join(tmpdir(), 'rocket-batch-staging-'));
      const first = await RemoteResults.open(store, keys, join(staging, 'first.jsonl'));
      for (let i = 0; i < 2500; i++) first.append(i % 100 === 0 ? failed(i) : ok(i));
      await first.flush();
      await first.close();
      const parts = fake.keys('out', keys.parts);
      expect(parts.length).toBeGreaterThanOrEqual(2);
      const lines = parts.flatMap((k) =>
        (fake.objects.get(`out/${k}`) as Buffer).toString().trim().split('\n'),
      );
      expect(lines.map((l) => JSON.parse(l).input).sort()).toEqual(
        Array.from({ length: 2500 }, (_, i) => `in/${i}.jpg`).sort(),
      );

      const again = await RemoteResults.open(store, keys, join(staging, 'again.jsonl'));
      expect(again.resumed).toEqual({ lines: 2500, failed: 25, torn: false });
      again.append(ok(2500));
      await again.finish();
      await again.close();
      expect(fake.keys('out', keys.parts)).toEqual([]);
      const results = (fake.objects.get(`out/${keys.results}`) as Buffer).toString().trim().split('\n');
      expect(results).toHaveLength(2501);
      expect(new Set(results.map((l) => JSON.parse(l).input)).size).toBe(2501);
      await stores.close();
    },
  );
});
