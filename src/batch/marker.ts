import type { RunSummary } from './runner.js';
import type { Shard, ShardSource } from './shard.js';

/** What a `_SUCCESS-I-of-N` marker says: the shard, its counts and its timings. */
export interface SuccessMarker {
  shard: number;
  shards: number;
  /** Where the shard was read from: --shard, CLOUD_RUN_TASK_INDEX, JOB_COMPLETION_INDEX or none. */
  shardFrom: ShardSource;
  input: string;
  rocket: { name: string; version: string };
  /** Inputs of this shard: skipped + done + failed. */
  total: number;
  /** Inputs with a line from an earlier run. */
  skipped: number;
  /** Inputs that succeeded, and failed, in this run. */
  done: number;
  failed: number;
  /** Failed lines in the results file, this run's and earlier runs'. */
  failedInResults: number;
  startedAt: string;
  finishedAt: string;
  /** Seconds loading the rocket (and its worker pool), and running the inputs. */
  loadSeconds: number;
  runSeconds: number;
  /** Inputs run (done + failed) per second of runSeconds. */
  perSecond: number;
  /** The process's peak resident memory, in MiB. */
  peakRssMiB: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The marker of a finished shard. */
export function successMarker(fields: {
  shard: Shard;
  shardFrom: ShardSource;
  input: string;
  rocket: { name: string; version: string };
  summary: RunSummary;
  /** Failed lines earlier runs left in the results. */
  failedBefore: number;
  startedAt: Date;
  loadSeconds: number;
}): SuccessMarker {
  const { shard, summary } = fields;
  const { skipped, done, failed, seconds } = summary;
  return {
    shard: shard.index,
    shards: shard.count,
    shardFrom: fields.shardFrom,
    input: fields.input,
    rocket: fields.rocket,
    total: skipped + done + failed,
    skipped,
    done,
    failed,
    failedInResults: failed + fields.failedBefore,
    startedAt: fields.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    loadSeconds: round2(fields.loadSeconds),
    runSeconds: round2(seconds),
    perSecond: round2(seconds > 0 ? (done + failed) / seconds : 0),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
