import { describe, expect, it } from 'vitest';
import { shardFrom, shardOf } from '../../src/batch/shard.js';

const uris = Array.from({ length: 3000 }, (_, i) => `gs://photos/2024/img-${i}.jpg`);

describe('shardOf', () => {
  it('puts each URI in one shard, the same one every time', () => {
    for (const uri of uris.slice(0, 100)) {
      const shard = shardOf(uri, 7);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(7);
      expect(shardOf(uri, 7)).toBe(shard);
    }
  });

  it('splits inputs about evenly', () => {
    const sizes = [0, 0, 0];
    for (const uri of uris) sizes[shardOf(uri, 3)] = (sizes[shardOf(uri, 3)] as number) + 1;
    for (const size of sizes) expect(Math.abs(size - 1000)).toBeLessThan(120);
  });

  it('one shard of one holds everything', () => {
    expect(new Set(uris.map((u) => shardOf(u, 1)))).toEqual(new Set([0]));
  });
});

describe('shardFrom', () => {
  it.each([
    ['--shard', { shard: '2/5', env: {} }, { index: 2, count: 5 }, '--shard'],
    [
      'Cloud Run Jobs',
      { env: { CLOUD_RUN_TASK_INDEX: '3', CLOUD_RUN_TASK_COUNT: '4' } },
      { index: 3, count: 4 },
      'CLOUD_RUN_TASK_INDEX',
    ],
    [
      '--shard over Cloud Run Jobs',
      { shard: '0/2', env: { CLOUD_RUN_TASK_INDEX: '3', CLOUD_RUN_TASK_COUNT: '4' } },
      { index: 0, count: 2 },
      '--shard',
    ],
    [
      'an Indexed Job with --shards',
      { shards: '3', env: { JOB_COMPLETION_INDEX: '1' } },
      { index: 1, count: 3 },
      'JOB_COMPLETION_INDEX',
    ],
    [
      'an Indexed Job with JOB_COMPLETIONS',
      { env: { JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '3' } },
      { index: 2, count: 3 },
      'JOB_COMPLETION_INDEX',
    ],
    ['nothing: one shard', { env: {} }, { index: 0, count: 1 }, 'none'],
  ])('%s', (_, settings, shard, source) => {
    expect(shardFrom(settings)).toEqual({ shard, source });
  });

  it.each([
    [{ shard: '3/3', env: {} }, 'I/N with 0 <= I < N for --shard but received "3/3"'],
    [{ shard: '1', env: {} }, 'for --shard but received "1"'],
    [{ shard: '0/0', env: {} }, 'for --shard but received "0/0"'],
    [{ shard: '0/2', shards: '2', env: {} }, 'Give --shard I/N or --shards N, not both'],
    [{ shards: 'two', env: { JOB_COMPLETION_INDEX: '0' } }, 'for --shards but received "two"'],
    [{ env: { JOB_COMPLETION_INDEX: '0' } }, 'give --shards N or set JOB_COMPLETIONS'],
    [{ env: { JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '3' } }, 'received "3" of 3'],
    [{ env: { CLOUD_RUN_TASK_INDEX: '0' } }, 'CLOUD_RUN_TASK_INDEX from 0 to the count - 1'],
    [{ shards: '3', env: {} }, '--shards N is the count for JOB_COMPLETION_INDEX, which is not set'],
  ])('refuses %j', (settings, message) => {
    expect(() => shardFrom(settings)).toThrow(message);
  });
});
