import { RocketApp } from '../app.js';
import type { Config } from '../config/options.js';
import type { Logger } from '../log.js';
import { openInputs } from './inputs/index.js';
import { inputFilter } from './inputs/kinds.js';
import { readInput } from './inputs/read.js';
import { type SuccessMarker, successMarker } from './marker.js';
import { type BatchOutput, openOutput, outputNames, ownOutputs } from './output.js';
import { inputProcessor } from './process-input.js';
import { ProgressDisplay, type ProgressMode } from './progress.js';
import type { Resumed } from './results/line.js';
import { type RunSummary, ShardRun } from './runner.js';
import type { Shard, ShardSource } from './shard.js';
import { Stores } from './stores/index.js';

/** What `rocket batch` was asked to do, its flags read and checked. */
export interface BatchSettings {
  input: string;
  out: string;
  /** The /process query string (thresholds and the family's parameters). */
  query: URLSearchParams;
  /** Write the picture of each input (--images). */
  images: boolean;
  shard: Shard;
  shardFrom: ShardSource;
  /** Inputs in flight at once; undefined: 4 per worker and micro-batch slot. */
  concurrency?: number;
  maxFailures?: number;
  progress: ProgressMode;
  /** Stops the run (SIGTERM, SIGINT): inputs being inferred finish and are written, those being read are left. */
  signal?: AbortSignal;
}

/** What a batch run did: its summary, where its results are, and its marker when it finished. */
export interface BatchReport {
  summary: RunSummary;
  resultsUri: string;
  /** What earlier runs of the shard left in the results. */
  resumed: Resumed;
  marker?: SuccessMarker;
}

/**
 * Inputs in flight by default: four per worker and micro-batch slot, so while some wait for a
 * worker others are being read and decoded (an input holds its bytes and decoded pixels meanwhile).
 */
function defaultConcurrency(app: RocketApp): number {
  const health = app.health();
  const workers = health.status === 'ok' ? health.workers : 1;
  return 4 * workers * app.config.BATCH_MAX;
}

/**
 * Runs one shard of a batch: loads the rocket into the same RocketApp (worker pool, pipeline) as
 * the server, opens the output (reading back earlier runs meanwhile), streams the inputs through
 * it, and, when every input of the shard has its line, leaves the results file and the
 * `_SUCCESS-I-of-N` marker in the output. Throws when the batch cannot run (the rocket, the input
 * or the output); an input's own failure is its line.
 */
export async function runBatch(config: Config, settings: BatchSettings, log: Logger): Promise<BatchReport> {
  const startedAt = new Date();
  const stores = new Stores();
  const app = new RocketApp(config, log);
  const names = outputNames(settings.shard);
  // The input is checked and the output read back while the rocket loads. Inputs are chosen by
  // the rocket's kind (images or rows), known once it has loaded, before the listing starts.
  let accept: (name: string) => boolean = () => false;
  let output: BatchOutput | undefined;
  try {
    const filters = { accept: (name: string) => accept(name), isOutput: ownOutputs(settings.out) };
    const source = await openInputs(settings.input, filters, stores);
    output = await openOutput(settings.out, settings.shard, stores);
    const { resumed } = output.results;
    if (resumed.lines > 0) log.info('resuming: inputs with a line are skipped', { lines: resumed.lines });
    if (resumed.torn) {
      log.warn(
        'the results ended in a torn line (a run was killed while writing it): cut off, its input runs again',
      );
    }
    await app.ready;
    const loadSeconds = (Date.now() - startedAt.getTime()) / 1000;
    const pipeline = app.pipeline();
    accept = inputFilter(pipeline.spec.input, config.ALLOW_SVG);
    const runInput = inputProcessor(pipeline, settings.query, {
      images: settings.images,
      maxPixels: config.MAX_PIXELS,
    });
    await output.remove(names.marker);
    const run = new ShardRun({
      source,
      shard: settings.shard,
      output,
      read: (uri) => readInput(uri, stores, config.MAX_UPLOAD_BYTES),
      process: runInput,
      concurrency: settings.concurrency ?? defaultConcurrency(app),
      maxFailures: settings.maxFailures,
      signal: settings.signal,
    });
    const display = new ProgressDisplay(settings.progress, () => run.view());
    let summary: RunSummary;
    try {
      summary = await run.run();
    } catch (err) {
      await output.results.flush().catch(() => {}); // keep what was done, then report why it stopped
      throw err;
    } finally {
      display.stop();
    }
    await output.results.flush();
    const report: BatchReport = {
      summary,
      resultsUri: output.uri(names.results),
      resumed: output.results.resumed,
    };
    if (summary.outcome !== 'finished') return report;
    await output.results.finish();
    const marker = successMarker({
      shard: settings.shard,
      shardFrom: settings.shardFrom,
      input: settings.input,
      rocket: { name: pipeline.spec.name, version: pipeline.spec.version },
      summary,
      failedBefore: output.results.resumed.failed,
      startedAt,
      loadSeconds,
    });
    await output.write(names.marker, Buffer.from(`${JSON.stringify(marker, null, 2)}\n`), 'application/json');
    return { ...report, marker };
  } finally {
    await output?.close();
    await app.close();
    await stores.close();
  }
}
