import type { BatchInput, InputSource } from './inputs/index.js';
import type { BatchOutput } from './output.js';
import type { ProcessInput } from './process-input.js';
import type { Counts, ProgressView } from './progress.js';
import { failureLine, type ResultLine } from './results/line.js';
import { type Shard, shardOf } from './shard.js';
import { OutputError } from './stores/errors.js';

/** How a shard's run ended: every input got its line, too many failed, or a signal stopped it. */
export type Outcome = 'finished' | 'max-failures' | 'stopped';

/** What a run did. */
export interface RunSummary extends Counts {
  outcome: Outcome;
  /** Inputs of this shard: known when the run finished, or when the counting listing did. */
  total?: number;
  /** Seconds spent processing (from the first input to the last line). */
  seconds: number;
}

/** What a shard's run needs. */
export interface RunOptions {
  source: InputSource;
  shard: Shard;
  output: BatchOutput;
  /** Reads an input's bytes (INPUT_UNREADABLE, PAYLOAD_TOO_LARGE). */
  read: (uri: string) => Promise<Buffer>;
  process: ProcessInput;
  /** Inputs read, decoded and inferred at once: what bounds memory (each holds one input's bytes). */
  concurrency: number;
  /** Stop once more inputs than this have failed in this run; undefined: never. */
  maxFailures?: number;
  /** Aborts the run (SIGTERM): no new input starts, the ones in flight finish and are written. */
  signal?: AbortSignal;
}

/**
 * Runs one shard: one listing streams the inputs, `concurrency` lanes each read an input, run it
 * through the rocket and append its line, so downloads, decoding (libvips threads) and inference
 * (the worker pool) of different inputs overlap, and at most `concurrency` inputs are held at once.
 * A second listing counts the shard's inputs for the progress, holding nothing but the count.
 * An input's failure is its line; a listing or output failure stops the run and is thrown.
 */
export class ShardRun {
  private readonly counts: Counts = { skipped: 0, done: 0, failed: 0 };
  private total?: number;
  private started?: number;
  private ended?: number;
  private outcome?: Exclude<Outcome, 'finished'>;
  private fatal?: unknown;
  /** Resolves when the run is stopped: reads still in flight are dropped then. */
  private readonly stopped: Promise<undefined>;
  private onStop: () => void = () => {};

  constructor(private readonly options: RunOptions) {
    this.stopped = new Promise((resolve) => {
      this.onStop = () => resolve(undefined);
    });
  }

  /** The progress now. */
  view(): ProgressView {
    const end = this.ended ?? performance.now();
    return {
      ...this.counts,
      shard: this.options.shard,
      total: this.total,
      elapsedS: this.started === undefined ? 0 : (end - this.started) / 1000,
    };
  }

  /** Runs until every input of the shard has its line, or the run is stopped. */
  async run(): Promise<RunSummary> {
    const { signal, concurrency } = this.options;
    const stop = () => this.stop('stopped');
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    const inputs = this.mine()[Symbol.asyncIterator]();
    void this.count();
    this.started = performance.now();
    try {
      await Promise.all(Array.from({ length: concurrency }, () => this.lane(inputs)));
    } finally {
      this.ended = performance.now();
      signal?.removeEventListener('abort', stop);
      // Closes the listing; not awaited, since it waits for a page still being fetched.
      inputs.return?.(undefined).catch(() => undefined);
    }
    if (this.fatal !== undefined) throw this.fatal;
    const { skipped, done, failed } = this.counts;
    if (!this.outcome) this.total = skipped + done + failed;
    return {
      ...this.counts,
      outcome: this.outcome ?? 'finished',
      total: this.total,
      seconds: this.view().elapsedS,
    };
  }

  /** No input starts after this; those being read are dropped (no line: a re-run does them), those being inferred finish. */
  private stop(outcome: Exclude<Outcome, 'finished'>): void {
    this.outcome ??= outcome;
    this.onStop();
  }

  /** This shard's inputs that have no line yet; each is marked done as it is handed out. */
  private async *mine(): AsyncGenerator<BatchInput> {
    const { source, shard, output } = this.options;
    for await (const input of source.list()) {
      if (shardOf(input.uri, shard.count) !== shard.index) continue;
      if (output.results.done.has(input.uri)) {
        this.counts.skipped += 1;
        continue;
      }
      output.results.done.add(input.uri);
      yield input;
    }
  }

  /** Counts the shard's inputs with a listing of its own; gives up quietly (the run's listing reports errors). */
  private async count(): Promise<void> {
    const { source, shard } = this.options;
    let n = 0;
    try {
      for await (const input of source.list()) {
        if (this.ended !== undefined) return;
        if (shardOf(input.uri, shard.count) === shard.index) n += 1;
      }
      this.total ??= n;
    } catch {
      // the run's own listing meets the same error and stops the run with it
    }
  }

  private async lane(inputs: AsyncIterator<BatchInput>): Promise<void> {
    const { results } = this.options.output;
    while (this.outcome === undefined && this.fatal === undefined) {
      try {
        const next = await inputs.next();
        if (next.done) return;
        const line = await this.runOne(next.value);
        if (!line) return;
        results.append(line);
        if (line.ok) this.counts.done += 1;
        else this.counts.failed += 1;
      } catch (err) {
        this.fatal ??= err;
        this.onStop(); // the other lanes drop what they are reading
        return;
      }
      const { maxFailures } = this.options;
      if (maxFailures !== undefined && this.counts.failed > maxFailures) this.stop('max-failures');
    }
  }

  /**
   * One input's line: its result (and image), or its error; undefined when the run stopped while
   * the input was being read. Output failures are thrown.
   */
  private async runOne(input: BatchInput): Promise<ResultLine | undefined> {
    const { read, process, output } = this.options;
    try {
      const bytes = await Promise.race([read(input.uri), this.stopped]);
      if (!bytes) return undefined;
      const { result, image } = await process(input, bytes);
      if (!image) return { input: input.uri, ok: true, result };
      await output.write(image.name, image.body, image.contentType);
      return { input: input.uri, ok: true, result, image: image.name };
    } catch (err) {
      if (err instanceof OutputError) throw err;
      return failureLine(input.uri, err);
    }
  }
}
