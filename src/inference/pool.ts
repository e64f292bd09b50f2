import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, RocketError } from '../errors.js';
import { packageRoot } from '../package.js';
import { nextBatch } from './batching.js';
import {
  type Job,
  type JobResult,
  transferList,
  type WireTensor,
  type WorkerInit,
  type WorkerReply,
  type WorkerTiming,
} from './messages.js';

/** The compiled worker script. Under vitest this module runs from src/, so use the built copy. */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'worker.js');
  if (existsSync(sibling)) return sibling;
  const built = join(packageRoot(), 'dist', 'src', 'inference', 'worker.js');
  if (existsSync(built)) return built;
  throw new Error(`Inference worker script not found at ${sibling} or ${built}; run npm run build:ts`);
}

/** A queued image job (batchable) or raw-tensor run (always alone). */
type Pending = {
  queuedAt: number;
  /** Jobs of one request sharing a group run together, whatever BATCH_MAX says. */
  group?: number;
  reject(err: Error): void;
} & (
  | { kind: 'image'; job: Job; resolve(value: JobResult): void }
  | {
      kind: 'tensors';
      feeds: Record<string, WireTensor>;
      fetches: string[];
      resolve(value: Record<string, WireTensor>): void;
    }
);

interface Slot {
  worker: Worker;
  /** The batch the worker holds, and when it was handed over (performance.now(), ms). */
  busy?: { id: number; batch: Pending[]; startedAt: number };
}

export interface PoolOptions {
  /** How long a partial batch waits for more jobs, in ms (only when batchMax > 1). */
  batchWaitMs?: number;
  onFallback?: (reason: string) => void;
  /**
   * Called after each inference run with its batch size and stage times: session.run time, and
   * for image batches the worker's pre- and postprocessing times (raw-tensor runs have none).
   */
  onBatch?: (size: number, timing: RunTiming) => void;
  /** Called once for each inference run that failed, with the error code its requests get. */
  onFailure?: (code: ErrorCode) => void;
}

/** The stage times of one inference run, in milliseconds. */
export type RunTiming = Pick<WorkerTiming, 'inferenceMs'> & Partial<WorkerTiming>;

/**
 * Inference worker threads, each with its own onnxruntime session, fed from one FIFO queue.
 * Jobs that arrive together run as one batch of up to `init.batchMax` (dynamic micro-batching);
 * a partial batch waits at most `batchWaitMs` (the policy: nextBatch() in batching.ts). A queued
 * job whose signal aborts leaves the queue. A worker that dies is replaced; only the batch it held
 * fails (INFERENCE_FAILED).
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private nextGroup = 1;
  private closed = false;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly init: WorkerInit,
    /** The execution provider the workers use (e.g. "cpu", "cuda:0"). */
    readonly provider: string,
    private readonly options: PoolOptions,
  ) {}

  /** Starts `size` workers and resolves once every one has loaded its model and run its warm-up. */
  static async start(init: WorkerInit, size: number, options: PoolOptions = {}): Promise<InferencePool> {
    const first = await spawn(init);
    if (first.fallbackReason) options.onFallback?.(first.fallbackReason);
    // The other workers, and any replacement, start at the provider the first one settled on:
    // the ones before it in the list are known to fail here.
    const settled = init.candidates.findIndex((c) => c.label === first.provider);
    const settledInit = { ...init, candidates: init.candidates.slice(Math.max(0, settled)) };
    const pool = new InferencePool(settledInit, first.provider, options);
    pool.attach(first.worker);
    const rest = await Promise.all(Array.from({ length: size - 1 }, () => spawn(settledInit)));
    for (const r of rest) pool.attach(r.worker);
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers running a batch now. */
  get busy(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  /** Jobs waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** The worker threads, for tests that need to kill one mid-request. */
  get workers(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Runs one image job; `job.pixels` is transferred to the worker and unusable afterwards. */
  run(job: Job, signal?: AbortSignal): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: 'image', job, queuedAt: performance.now(), resolve, reject }, signal);
    });
  }

  /**
   * Runs the images of one request as one batch (the model must have a dynamic batch dimension).
   * Each `pixels` buffer is transferred.
   */
  runMany(jobs: Job[], signal?: AbortSignal): Promise<JobResult[]> {
    const group = this.nextGroup++;
    return Promise.all(
      jobs.map(
        (job) =>
          new Promise<JobResult>((resolve, reject) => {
            this.enqueue({ kind: 'image', job, group, queuedAt: performance.now(), resolve, reject }, signal);
          }),
      ),
    );
  }

  /**
   * Runs the model on raw tensors and returns the outputs named in `fetches` (all tensor outputs
   * when empty). Typed-array buffers in `feeds` are transferred.
   */
  runTensors(
    feeds: Record<string, WireTensor>,
    fetches: string[],
    signal?: AbortSignal,
  ): Promise<Record<string, WireTensor>> {
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: 'tensors', feeds, fetches, queuedAt: performance.now(), resolve, reject }, signal);
    });
  }

  private enqueue(pending: Pending, signal?: AbortSignal): void {
    if (this.closed) {
      pending.reject(new RocketError('NOT_READY', 'The server is shutting down'));
      return;
    }
    signal?.addEventListener(
      'abort',
      () => {
        const i = this.queue.indexOf(pending);
        if (i < 0) return; // already running: its result is simply not delivered
        this.queue.splice(i, 1);
        pending.reject(new RocketError('NOT_READY', 'The client went away before inference started'));
      },
      { once: true },
    );
    this.queue.push(pending);
    this.dispatch();
  }

  /** Terminates every worker; queued jobs fail with NOT_READY. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const p of this.queue.splice(0))
      p.reject(new RocketError('NOT_READY', 'The server is shutting down'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private attach(worker: Worker): void {
    const slot: Slot = { worker };
    this.slots.push(slot);
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', () => {}); // 'exit' follows and handles it
    worker.on('exit', (code) => this.onExit(slot, code));
    this.dispatch();
  }

  /** Gives each free worker its next batch, as the batching policy decides (see batching.ts). */
  private dispatch(): void {
    const policy = { batchMax: this.init.batchMax, batchWaitMs: this.options.batchWaitMs ?? 0 };
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = nextBatch(this.queue, policy, performance.now());
      if (next.action === 'idle') continue;
      if (next.action === 'wait') {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.dispatch();
        }, next.ms);
        return;
      }
      const id = this.nextId++;
      if (next.action === 'tensors') {
        const job = this.queue.shift() as Extract<Pending, { kind: 'tensors' }>;
        slot.busy = { id, batch: [job], startedAt: performance.now() };
        slot.worker.postMessage(
          { type: 'tensors', id, feeds: job.feeds, fetches: job.fetches },
          transferList(Object.values(job.feeds).map((t) => t.data)),
        );
        continue;
      }
      const batch = this.queue.splice(0, next.size) as Extract<Pending, { kind: 'image' }>[];
      slot.busy = { id, batch, startedAt: performance.now() };
      slot.worker.postMessage(
        { type: 'batch', id, jobs: batch.map((p) => p.job) },
        transferList(batch.map((p) => p.job.pixels)),
      );
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const ours = reply.type === 'results' || reply.type === 'batch-error' || reply.type === 'tensors-result';
    if (!ours || slot.busy?.id !== reply.id) return;
    const { batch, startedAt } = slot.busy;
    slot.busy = undefined;
    if (reply.type === 'results') {
      this.options.onBatch?.(batch.length, reply.timing);
      batch.forEach((p, i) => {
        if (p.kind !== 'image') return;
        p.resolve({
          fields: reply.results[i] as JobResult['fields'],
          timing: reply.timing,
          batchSize: batch.length,
          queuedAt: p.queuedAt,
          startedAt,
        });
      });
    } else if (reply.type === 'tensors-result') {
      this.options.onBatch?.(1, { inferenceMs: reply.inferenceMs });
      const [p] = batch;
      if (p?.kind === 'tensors') p.resolve(reply.outputs);
    } else {
      this.options.onFailure?.(reply.code);
      for (const p of batch) p.reject(new RocketError(reply.code, reply.message));
    }
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.busy) this.options.onFailure?.('INFERENCE_FAILED');
    for (const p of slot.busy?.batch ?? []) {
      p.reject(
        new RocketError(
          'INFERENCE_FAILED',
          `The inference worker exited unexpectedly (exit code ${code}); retry the request`,
        ),
      );
    }
    if (this.closed) return;
    spawn(this.init).then(
      (r) => {
        if (this.closed) void r.worker.terminate();
        else this.attach(r.worker);
      },
      () => {}, // the model loaded before, so this is rare; the pool keeps serving with fewer workers
    );
  }
}

/** Starts one worker and waits for it to report ready (model loaded, warm-up done). */
function spawn(init: WorkerInit): Promise<{ worker: Worker; provider: string; fallbackReason?: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript());
    const onError = (err: Error) => fail(new RocketError('MODEL_LOAD_FAILED', err.message, { cause: err }));
    const onMessage = (reply: WorkerReply) => {
      worker.off('error', onError);
      if (reply.type === 'ready')
        resolve({ worker, provider: reply.provider, fallbackReason: reply.fallbackReason });
      else if (reply.type === 'init-error') fail(new RocketError(reply.code, reply.message));
      else fail(new Error(`Unexpected first message from worker: ${reply.type}`));
    };
    const fail = (err: Error) => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      void worker.terminate();
      reject(err);
    };
    worker.once('error', onError);
    worker.once('message', onMessage);
    worker.postMessage({ type: 'init', init });
  });
}
