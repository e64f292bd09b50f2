import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../commands/run-cli.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { type FakeBuckets, startFakeBuckets } from './fake-buckets.js';

/**
 * 100 000 listed inputs: the listing streams a page at a time and each lane holds one input, so the
 * peak RSS must not grow with the listing. Two runs do the same work (about 1000 inputs run) over
 * listings of 10 000 and 100 000 objects (every one listed twice, hashed and counted); a third runs
 * a twentieth of the 100 000 (5000 downloads and inferences) and must stay within a generous bound.
 * The model is trivial (4 × 4 pixels): the fake's downloads and the decoding, not inference, set the
 * pace, and the test takes about 30 s on 2 cores.
 */
/** What the test reads of a `_SUCCESS` marker. */
interface Marker {
  total: number;
  done: number;
  peakRssMiB: number;
  runSeconds: number;
}

describe('rocket batch over a 100 000-object bucket', () => {
  const rocket = writeColourRocket({}, 4); // a trivial model: 4 × 4 pixels
  let fake: FakeBuckets;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeBuckets();
    dir = await mkdtemp(join(tmpdir(), 'rocket-batch-memory-'));
    const tiny = await solidImage([230, 20, 20], 'png', 4);
    fake.virtual({ bucket: 'big', prefix: 'photos/', count: 100_000, body: tiny });
    fake.virtual({ bucket: 'small', prefix: 'photos/', count: 10_000, body: tiny });
  });
  afterAll(() => fake?.close());

  async function run(bucket: string, shards: number): Promise<Marker> {
    const out = join(dir, `${bucket}-${shards}`);
    const result = await runCli(
      ['batch', `gs://${bucket}/photos`, '--out', out, '--shard', `0/${shards}`, '--rocket', rocket],
      { ...fake.env, WORKERS: '1' },
    );
    expect(result.code, result.stderr).toBe(0);
    const marker = JSON.parse(readFileSync(join(out, `_SUCCESS-0-of-${shards}`), 'utf8')) as Marker;
    expect(marker.done).toBe(marker.total);
    return marker;
  }

  it('keeps the peak RSS flat from 10 000 to 100 000 listed inputs', async () => {
    const small = await run('small', 10);
    const big = await run('big', 100);
    const twentieth = await run('big', 20);
    const say = (m: Marker, listed: string) =>
      `${m.peakRssMiB} MiB listing ${listed} (${m.done} run in ${m.runSeconds} s)`;
    console.log(
      `rocket batch peak RSS: ${say(small, '10 000')}, ${say(big, '100 000')}, ${say(twentieth, '100 000')}`,
    );
    expect(Math.abs(small.total - big.total)).toBeLessThan(300); // about 1000 each
    expect(big.peakRssMiB).toBeLessThan(small.peakRssMiB + 48);
    expect(twentieth.total).toBeGreaterThan(4_500);
    expect(twentieth.peakRssMiB).toBeLessThan(512);
  }, 120_000);
});
