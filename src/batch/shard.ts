import { createHash } from 'node:crypto';

/** One shard of a batch: inputs whose {@link shardOf} is `index`, of `count` shards (0 ≤ index < count). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The shard an input belongs to: the first 48 bits of the SHA-256 of its URI, modulo `count`. The
 * same URI always lands in the same shard, on any machine and in any run.
 */
export function shardOf(uri: string, count: number): number {
  return createHash('sha256').update(uri).digest().readUIntBE(0, 6) % count;
}

/** Where the shard was read from, for the log and the marker. */
export type ShardSource = '--shard' | 'CLOUD_RUN_TASK_INDEX' | 'JOB_COMPLETION_INDEX' | 'none';

/** The flags and environment variables a shard is read from. */
export interface ShardSettings {
  /** `--shard I/N`. */
  shard?: string;
  /** `--shards N`: the count for JOB_COMPLETION_INDEX. */
  shards?: string;
  env: NodeJS.ProcessEnv;
}

/** A whole number in text, or undefined when it is not one. */
function whole(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** The shard, when the index and count make one; else an error that says what was expected. */
function checked(index: number | undefined, count: number | undefined, expected: string): Shard {
  if (count === undefined || count < 1 || index === undefined || index >= count) {
    throw new Error(`Expected ${expected}`);
  }
  return { index, count };
}

/**
 * The shard this process runs: `--shard I/N` (0-based); else Cloud Run Jobs' CLOUD_RUN_TASK_INDEX
 * and CLOUD_RUN_TASK_COUNT; else a Kubernetes Indexed Job's JOB_COMPLETION_INDEX, with the count
 * from `--shards N` or JOB_COMPLETIONS (Kubernetes does not give the pod its Job's completions);
 * else the whole input as shard 0 of 1.
 * @throws Error for malformed values, an index outside the count, or an index without a count
 */
export function shardFrom({ shard, shards, env }: ShardSettings): { shard: Shard; source: ShardSource } {
  if (shard !== undefined) {
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(shard);
    if (shards !== undefined) throw new Error('Give --shard I/N or --shards N, not both');
    const expected = `I/N with 0 <= I < N for --shard but received "${shard}"`;
    return { shard: checked(whole(match?.[1]), whole(match?.[2]), expected), source: '--shard' };
  }
  const count = shards === undefined ? undefined : whole(shards);
  if (shards !== undefined && !count)
    throw new Error(`Expected a whole number of at least 1 for --shards but received "${shards}"`);
  if (env.CLOUD_RUN_TASK_INDEX !== undefined) {
    const total = count ?? whole(env.CLOUD_RUN_TASK_COUNT);
    const expected = `CLOUD_RUN_TASK_INDEX from 0 to the count - 1 but received "${env.CLOUD_RUN_TASK_INDEX}" of "${total ?? env.CLOUD_RUN_TASK_COUNT}"`;
    return {
      shard: checked(whole(env.CLOUD_RUN_TASK_INDEX), total, expected),
      source: 'CLOUD_RUN_TASK_INDEX',
    };
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const total = count ?? whole(env.JOB_COMPLETIONS);
    if (total === undefined) {
      throw new Error(
        `JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} is set but not the shard count: give --shards N or set JOB_COMPLETIONS to the Job's completions`,
      );
    }
    return {
      shard: checked(
        whole(env.JOB_COMPLETION_INDEX),
        total,
        `JOB_COMPLETION_INDEX from 0 to the count - 1 but received "${env.JOB_COMPLETION_INDEX}" of ${total}`,
      ),
      source: 'JOB_COMPLETION_INDEX',
    };
  }
  if (count !== undefined) {
    throw new Error(
      '--shards N is the count for JOB_COMPLETION_INDEX, which is not set: give --shard I/N instead',
    );
  }
  return { shard: { index: 0, count: 1 }, source: 'none' };
}

/** `results-I-of-N.jsonl`, `_SUCCESS-I-of-N`: the suffix of a shard's files. */
export const shardSuffix = ({ index, count }: Shard): string => `${index}-of-${count}`;
