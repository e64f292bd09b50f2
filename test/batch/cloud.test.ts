import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../commands/run-cli.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { type FakeBuckets, startFakeBuckets } from './fake-buckets.js';
import { byInput, type Line, readLines } from './helpers.js';

const COLOURS = ['red', 'green', 'blue'] as const;
const PHOTOS = 12;

describe('rocket batch with gs:// and s3:// inputs and outputs (local fakes)', () => {
  const rocket = writeColourRocket();
  let fake: FakeBuckets;
  let dir: string;

  const lines = (bucket: string, key: string): Line[] =>
    (fake.objects.get(`${bucket}/${key}`) ?? Buffer.alloc(0))
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const batch = (args: string[]) => runCli(['batch', ...args, '--rocket', rocket], fake.env);

  beforeAll(async () => {
    fake = await startFakeBuckets();
    dir = await mkdtemp(join(tmpdir(), 'rocket-batch-cloud-'));
    const bodies = await Promise.all([
      solidImage([230, 20, 20]),
      solidImage([20, 230, 20]),
      solidImage([20, 20, 230]),
    ]);
    for (let i = 0; i < PHOTOS; i++) {
      fake.objects.set(`photos/in/${i % 2 ? 'a/' : ''}${COLOURS[i % 3]}-${i}.png`, bodies[i % 3] as Buffer);
    }
    fake.objects.set('photos/in/broken.jpg', Buffer.from('not a jpeg'));
    fake.objects.set('photos/in/readme.txt', Buffer.from('not an image name: left out'));
    fake.objects.set('photos/in/a/', Buffer.alloc(0)); // a console-made folder placeholder
    fake.objects.set('photos/elsewhere/x.png', bodies[0] as Buffer);
  });
  afterAll(() => fake?.close());

  it('gs:// in, s3:// out, in 2 shards: every object once, its results objects and markers, no parts left', async () => {
    const runs = await Promise.all(
      [0, 1].map((i) => batch(['gs://photos/in', '--out', 's3://results/run1', '--shard', `${i}/2`])),
    );
    expect(runs.map((r) => r.code).sort(), runs[0]?.stderr).toEqual([0, 3]); // broken.jpg is in one shard
    const all = [
      ...lines('results', 'run1/results-0-of-2.jsonl'),
      ...lines('results', 'run1/results-1-of-2.jsonl'),
    ];
    expect(all.map((l) => l.input).sort()).toEqual(
      fake
        .keys('photos', 'in/')
        .filter((k) => /\.(png|jpg)$/.test(k))
        .map((k) => `gs://photos/${k}`)
        .sort(),
    );
    for (const line of all) {
      if (line.input.endsWith('broken.jpg')) expect(line.error?.code).toBe('IMAGE_UNDECODABLE');
      else {
        const colour = /(red|green|blue)-\d+\.png$/.exec(line.input)?.[1];
        expect(line.result?.predictions).toMatchObject([{ label: colour }, {}, {}]);
      }
    }
    const marker = JSON.parse((fake.objects.get('results/run1/_SUCCESS-0-of-2') as Buffer).toString());
    expect(marker).toMatchObject({ shard: 0, shards: 2, input: 'gs://photos/in' });
    expect(fake.keys('results', 'run1/_partial/')).toEqual([]);
  });

  it('s3:// in, gs:// out: the same results, and a re-run does nothing new', async () => {
    const run = await batch(['s3://photos/in/', '--out', 'gs://results/run2']);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain(`done ${PHOTOS}, failed 1`);
    const gsLines = [
      ...lines('results', 'run1/results-0-of-2.jsonl'),
      ...lines('results', 'run1/results-1-of-2.jsonl'),
    ];
    const asS3 = gsLines.map((l) => ({ ...l, input: l.input.replace('gs://', 's3://') }));
    expect(byInput(lines('results', 'run2/results-0-of-1.jsonl'))).toEqual(byInput(asS3));
    const again = await batch(['s3://photos/in', '--out', 'gs://results/run2']);
    expect(again.stdout).toContain(`skipped ${PHOTOS + 1} (1 failed in earlier runs), done 0, failed 0`);
    expect(lines('results', 'run2/results-0-of-1.jsonl')).toHaveLength(PHOTOS + 1);
  });

  it('a stopped run leaves its lines as parts; the re-run reads them back and finishes', async () => {
    const stopped = await batch([
      'gs://photos/in',
      '--out',
      'gs://results/run3',
      '--max-failures',
      '0',
      '--concurrency',
      '1',
    ]);
    expect(stopped.code).toBe(1);
    expect(fake.objects.has('results/run3/results-0-of-1.jsonl')).toBe(false);
    const parts = fake.keys('results', 'run3/_partial/results-0-of-1/');
    expect(parts.length).toBeGreaterThan(0);
    const kept = parts.flatMap((k) => lines('results', k));
    expect(kept.some((l) => !l.ok)).toBe(true);
    const rest = await batch(['gs://photos/in', '--out', 'gs://results/run3']);
    expect(rest.code).toBe(3);
    expect(rest.stdout).toContain(`skipped ${kept.length}`);
    expect(lines('results', 'run3/results-0-of-1.jsonl')).toHaveLength(PHOTOS + 1);
    expect(fake.keys('results', 'run3/_partial/')).toEqual([]);
  });

  it('a listing of gs:// and s3:// URIs: a missing object is INPUT_UNREADABLE', async () => {
    const list = join(dir, 'list.jsonl');
    writeFileSync(
      list,
      [
        '{"uri": "gs://photos/elsewhere/x.png"}',
        '{"uri": "s3://photos/in/red-0.png"}',
        '{"uri": "gs://photos/absent.png"}',
        '{"uri": "s3://photos/absent.png"}',
      ].join('\n'),
    );
    const run = await batch([list, '--out', join(dir, 'listed')]);
    expect(run.code, run.stderr).toBe(3);
    const byUri = Object.fromEntries(
      readLines(join(dir, 'listed', 'results-0-of-1.jsonl')).map((l) => [l.input, l]),
    );
    expect(byUri['gs://photos/elsewhere/x.png']?.ok).toBe(true);
    expect(byUri['s3://photos/in/red-0.png']?.ok).toBe(true);
    expect(byUri['gs://photos/absent.png']?.error).toEqual({
      code: 'INPUT_UNREADABLE',
      message: 'Cannot read gs://photos/absent.png: no such object (404)',
    });
    expect(byUri['s3://photos/absent.png']?.error).toEqual({
      code: 'INPUT_UNREADABLE',
      message: 'Cannot read s3://photos/absent.png: no such object (404 NoSuchKey)',
    });
  });
});
