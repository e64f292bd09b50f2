import { parseArgs } from 'node:util';
import { type BatchReport, type BatchSettings, runBatch } from '../batch/batch.js';
import type { ProgressMode } from '../batch/progress.js';
import { shardFrom } from '../batch/shard.js';
import { loadConfig } from '../config/load.js';
import { createLogger, type Logger } from '../log.js';
import { applyProcessSettings } from '../process-settings.js';
import { QUERY_FLAG_HELP, QUERY_FLAG_OPTIONS, queryFromFlags } from './query-flags.js';
import type { Command } from './types.js';
import { UsageError } from './usage.js';

const HELP = `Usage: rocket batch <input> --out <output> [--rocket URL] [options]

Runs every input through the rocket, in the same worker pool and pipeline as the server, and
writes one JSON line per input to OUTPUT/results-SHARD-of-N.jsonl:
  {"input": URI, "ok": true, "result": <the POST /process JSON>}
  {"input": URI, "ok": false, "error": {"code": ..., "message": ...}}
When the shard has finished, OUTPUT/_SUCCESS-SHARD-of-N holds its counts and timings.

<input> is one of:
  a folder              every image under it (JPEG, PNG, WebP, GIF, TIFF, AVIF, BMP), searched
                        recursively; for a tabular rocket every .csv, .json, .jsonl or .ndjson
                        file of rows instead (one line per file, as POST /process answers it)
  a glob                every file it matches: 'photos/**/*.jpg' (quoted, so the shell leaves it)
  gs://bucket/prefix    every object under the prefix, read as a folder (a/b means a/b/),
  s3://bucket/prefix    chosen as in a folder; listed a page at a time
  a listing file        a text file of URIs, one per line (paths, file://, gs://, s3://, http://,
                        https://), or JSON Lines of {"uri": "..."}; # starts a comment
<output> is a folder (made if needed), or a gs://bucket/prefix or s3://bucket/prefix.

A re-run of a shard skips the inputs that already have a line; a torn last line (a run killed
mid-write) is cut off and its input run again. To a bucket, lines go up in parts under
_partial/ (every 1000 lines or 30 s), and become the results file when the shard finishes.
Buckets are reached as for remote rockets: Cloud Storage with Application Default Credentials
(STORAGE_EMULATOR_HOST for an emulator), S3 with the AWS SDK's credential chain, AWS_REGION and
AWS_ENDPOINT_URL_S3.

Options:
  --out <output>          Where the results go (required)
  --rocket <url>          The rocket: a .onnx file, a rocket directory, https://, gs://, s3://,
                          hf:// or owner/name[@version] (default: ROCKET_URL, else the demo rocket)
  --images                Also write each input's picture to OUTPUT/images/<its name>: the image
                          with its results drawn, or the image an image-to-image rocket makes
                          (.jpg or .png added when the input's extension is another format's)
  --shard <i/n>           Run shard i of n (0-based): the inputs whose URI hashes to i
  --shards <n>            The shard count, when the index comes from JOB_COMPLETION_INDEX
  --concurrency <n>       Inputs read, decoded and inferred at once, what bounds memory
                          (default: 4 per worker thread and BATCH_MAX slot)
  --max-failures <n>      Stop once more than n inputs have failed in this run (default: never)
  --progress-every <s>    Seconds between JSON progress lines off a terminal (default: 30)
${QUERY_FLAG_HELP}
  --config <file>         Read this config.ini instead of ./config.ini
  -h, --help              Show this help

Shards: without --shard, Cloud Run Jobs' CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT; else a
Kubernetes Indexed Job's JOB_COMPLETION_INDEX, with the count from --shards or JOB_COMPLETIONS;
else everything is shard 0 of 1. An input's shard is a hash of its URI, so a re-run splits alike.

Progress: a bar on stderr when it is a terminal (done/total, per second, ETA, failures), else a
JSON log line every --progress-every seconds. At the end stdout says "skipped K, done M, failed F".

SIGTERM or SIGINT: no input starts any more; those being inferred finish and are written (to a
bucket, the lines go up), those being read are left for the next run.

Exit status: 0 every input of the shard succeeded; 3 some failed (their errors are in the results,
also those of earlier runs); 1 the batch could not run, or stopped early (--max-failures, SIGTERM):
run it again to go on; 2 usage error.
`;

/** The options of `rocket batch`, as node:util parseArgs reads them. */
export const BATCH_OPTIONS = {
  out: { type: 'string' },
  rocket: { type: 'string' },
  images: { type: 'boolean' },
  shard: { type: 'string' },
  shards: { type: 'string' },
  concurrency: { type: 'string' },
  'max-failures': { type: 'string' },
  'progress-every': { type: 'string' },
  ...QUERY_FLAG_OPTIONS,
  config: { type: 'string' },
} as const;

/** A whole number from `min` to `max` for `--flag`; a usage error otherwise. */
function wholeFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(
      `Expected an integer from ${min} to ${max} for --${flag} but received "${value}"`,
      HELP,
    );
  }
  return n;
}

/** A number of seconds above 0 for `--flag`; a usage error otherwise. */
function secondsFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`Expected a number of seconds above 0 for --${flag} but received "${value}"`, HELP);
  }
  return n;
}

/**
 * The end of a run, on stdout (and in the log off a terminal), and what it means for the exit
 * status: 3 when the results hold a failure, this run's or an earlier one's.
 */
function report(
  { summary, resultsUri, resumed }: BatchReport,
  settings: BatchSettings,
  log: Logger | undefined,
): void {
  const { skipped, done, failed, seconds, outcome } = summary;
  const rate = seconds > 0 ? (done + failed) / seconds : 0;
  const { index, count } = settings.shard;
  const earlier = resumed.failed > 0 ? ` (${resumed.failed} failed in earlier runs)` : '';
  process.stdout.write(
    `Shard ${index}/${count}: skipped ${skipped}${earlier}, done ${done}, failed ${failed} in ${seconds.toFixed(1)} s (${rate.toFixed(1)}/s); results in ${resultsUri}\n`,
  );
  log?.info('batch ended', {
    outcome,
    shard: `${index}/${count}`,
    skipped,
    done,
    failed,
    failedBefore: resumed.failed,
    seconds: Math.round(seconds * 10) / 10,
    results: resultsUri,
  });
  if (outcome === 'max-failures') {
    throw new Error(
      `Stopped after ${failed} failures (--max-failures ${settings.maxFailures}); run again to go on`,
    );
  }
  if (outcome === 'stopped')
    throw new Error('Stopped by a signal before the shard finished; run again to go on');
  if (failed + resumed.failed > 0) process.exitCode = 3;
}

/** `rocket batch`: a folder, glob, bucket prefix or listing of inputs through the rocket, one shard of it. */
export const batchCommand: Command = {
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: BATCH_OPTIONS });
    const [input, ...extra] = positionals;
    if (!input || extra.length > 0) throw new UsageError('Expected one input', HELP);
    if (!values.out) throw new UsageError('Expected --out <output>', HELP);
    let shard: ReturnType<typeof shardFrom>;
    try {
      shard = shardFrom({ shard: values.shard, shards: values.shards, env: process.env });
    } catch (err) {
      throw new UsageError((err as Error).message, HELP);
    }
    const concurrency = wholeFlag(values.concurrency, 'concurrency', 1, 4096);
    const maxFailures = wholeFlag(values['max-failures'], 'max-failures', 0, Number.MAX_SAFE_INTEGER);
    const progressEvery = secondsFlag(values['progress-every'], 'progress-every') ?? 30;
    const base = loadConfig({ file: values.config });
    const config = Object.freeze({ ...base, ROCKET_URL: values.rocket ?? base.ROCKET_URL });
    const tty = process.stderr.isTTY === true;
    const log = createLogger(tty ? 'warn' : config.LOG_LEVEL, (l) => process.stderr.write(l));
    const progress: ProgressMode = tty
      ? { kind: 'bar', write: (text) => process.stderr.write(text) }
      : { kind: 'json', log, everyMs: progressEvery * 1000 };
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      log.warn('stopping: the inputs in flight finish and are written', { signal });
      stop.abort();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    applyProcessSettings();
    const settings: BatchSettings = {
      input,
      out: values.out,
      query: queryFromFlags(values),
      images: values.images ?? false,
      shard: shard.shard,
      shardFrom: shard.source,
      concurrency,
      maxFailures,
      progress,
      signal: stop.signal,
    };
    log.info('batch starting', {
      input,
      out: values.out,
      shard: `${shard.shard.index}/${shard.shard.count}`,
      shardFrom: shard.source,
    });
    try {
      report(await runBatch(config, settings, log), settings, tty ? undefined : log);
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
};
