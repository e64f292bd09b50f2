import type { Worker } from 'node:worker_threads';
import { type ErrorCode, RocketError } from '../errors.js';
import { isBackground } from './background.js';
import { nextBatch } from './batching.js';
import {
  type Job,
  type JobResult,
  type ServeInit,
  type SessionInit,
  transferList,
  type WireTensor,
  type WorkerInit,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStartup,
  type WorkerTiming,
} from './messages.js';
import { workerThread } from './worker-thread.js';

/** A queued image job (batchable) or raw-tensor run (always alone). */
type Pending = {
  queuedAt: number;
  /** Asked for by background work (a job, see background.ts): it queues behind synchronous work. */
  background: boolean;
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
  /** Its session's intra-op threads: an idle pool gives work to the slot with the most. */
  threads: number;
  /** The batch the worker holds, and when it was handed over (performance.now(), ms). */
  busy?: { id: number; batch: Pending[]; startedAt: number };
  /** The first worker until its first run has passed the family's checks (see InferencePool.start). */
  unproven?: Unproven;
}

/** How the first worker is being proven: by the first request's batch, else by the warm-up. */
interface Unproven {
  /** Whether a request's batch may be its proof (the worker says: provableByRequest()). */
  byRequest: boolean;
  /** When it turned servable (performance.now(), ms): it waits for a request at most PROOF_WAIT_MS. */
  since: number;
  /** Its warm-up run is under way. */
  warming: boolean;
  /** A proof batch failed (the request gets its error): the warm-up decides whether the rocket loads. */
  proofFailed: boolean;
}

/**
 * A worker thread told to open its session (launchWorker), not yet told what to serve: started
 * before the rocket's spec is read, so that onnxruntime loads the model meanwhile.
 */
export interface LaunchedWorker {
  worker: Worker;
  session: SessionInit;
  /** Settles once its session has been created or has failed (or the thread has gone). */
  opened: Promise<void>;
}

/** Starts a worker thread and has it create its onnxruntime session at once. */
export function launchWorker(session: SessionInit): LaunchedWorker {
  const worker = workerThread();
  const opened = new Promise<void>((resolve) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.type !== 'opened') return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('exit', () => resolve());
  });
  worker.postMessage({ type: 'open', session } satisfies WorkerRequest);
  return { worker, session, opened };
}

/**
 * Stops a launched worker the pool will not use (the rocket failed to load meanwhile), once its
 * session has been created: terminating the thread while onnxruntime creates it aborts the process.
 */
export async function discardWorker(launched: LaunchedWorker): Promise<void> {
  await launched.opened;
  await launched.worker.terminate();
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
  /** Called when a worker started behind the first one could not start (the pool serves without it). */
  onWorkerFailed?: (err: Error) => void;
  /** The first worker, launched early (launchWorker) with this init's session settings. */
  first?: LaunchedWorker;
  /**
   * Whether the pool's owner has no work in progress that may still reach the pool (the app: no
   * request admitted). While it has, the first worker waits for that request to be its proof
   * (up to PROOF_WAIT_MS) instead of warming up, and workers behind the first do not start, so
   * that a request still being read or decoded (one held during a cold start) does not queue behind
   * a warm-up or share the cores with their start. Idle when absent.
   */
  ownerIdle?: () => boolean;
}

/** The stage times of one inference run, in milliseconds. */
export type RunTiming = Pick<WorkerTiming, 'inferenceMs'> & Partial<WorkerTiming>;

/**
 * Inference worker threads, each with its own onnxruntime session, fed from one FIFO queue.
 * Jobs that arrive together run as one batch of up to `init.batchMax` (dynamic micro-batching);
 * a partial batch waits at most `batchWaitMs` (the policy: nextBatch() in batching.ts). A queued
 * job whose signal aborts leaves the queue. A worker that dies is replaced; only the batch it held
 * fails (INFERENCE_FAILED). Workers may have different intra-op thread counts: a free worker with
 * more threads is given work first, so a lone request runs on the fastest session.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private nextGroup = 1;
  /** Why the pool was closed (close()): what work sent to it afterwards is refused with (NOT_READY). */
  private closedBecause?: string;
  private get closed(): boolean {
    return this.closedBecause !== undefined;
  }
  private timer?: NodeJS.Timeout;
  /** Where the first worker's start went (see WorkerStartup), once it is proven. */
  startup?: WorkerStartup;
  /**
   * Settles once the first worker's first run has passed the family's checks: the pool is ready.
   * Rejects with the load error (OUTPUT_INVALID, ...) when neither a proof batch nor the warm-up
   * passed, or when that worker exited first.
   */
  readonly proven: Promise<void>;
  private settleProven: (error?: Error) => void = () => {};
  /** Settles when every worker start has ended, the ones behind the first included. */
  readonly allStarted: Promise<void>;
  private settleAllStarted: () => void = () => {};
  /** The thread counts of the workers still to start behind the first one. */
  private behind: number[] = [];
  /** The worker starting behind the first one, while it starts. */
  private starting?: Promise<unknown>;
  private behindTimer?: NodeJS.Timeout;

  private constructor(
    private readonly init: WorkerInit,
    /** The execution provider the workers use (e.g. "cpu", "cuda:0"). */
    readonly provider: string,
    private readonly options: PoolOptions,
  ) {
    this.allStarted = new Promise((resolve) => {
      this.settleAllStarted = resolve;
    });
    this.proven = new Promise((resolve, reject) => {
      this.settleProven = (error) => (error ? reject(error) : resolve());
    });
    this.proven.catch(() => {}); // observed by the owner
  }

  /**
   * Starts one worker per entry of `threads` (its session's intra-op threads) and resolves once
   * the first has its session and runner: the pool takes work from then on. That worker's first
   * run is its proof, which {@link proven} settles on: the first request's batch when one is
   * queued (or on its way: `options.ownerIdle`, for up to PROOF_WAIT_MS), its images also checked
   * at confidence 0 before they are answered; else, or after a proof batch failed, the warm-up on
   * a blank image. A cold start's first answer then waits for one model run instead of two, and
   * nothing is answered before the family's checks have seen every candidate of an image. The
   * others start behind it once it is proven, one at a time, each once the pool and its owner have
   * been idle for BEHIND_IDLE_MS or as soon as a job waits for a worker, so that the request a
   * cold start was for does not share the cores with their start; each warms up, then takes work
   * (`allStarted` settles when all have). The first worker is `options.first` when it was
   * launched early.
   */
  static async start(
    init: WorkerInit,
    threads: readonly number[],
    options: PoolOptions = {},
  ): Promise<InferencePool> {
    const [firstThreads = 1, ...rest] = threads;
    const launched = options.first ?? launchWorker({ ...init, intraOpThreads: firstThreads });
    const first = await serve(launched, init, false);
    if (first.fallbackReason) options.onFallback?.(first.fallbackReason);
    // The other workers, and any replacement, start at the provider the first one settled on:
    // the ones before it in the list are known to fail here.
    const settled = init.candidates.findIndex((c) => c.label === first.provider);
    // They start behind the first, off the cold start's path: each saves onnxruntime's optimized
    // copy of the model when there is none yet (optimized-model.ts).
    const settledInit = {
      ...init,
      candidates: init.candidates.slice(Math.max(0, settled)),
      savesOptimizedModel: true,
    };
    const pool = new InferencePool(settledInit, first.provider, options);
    pool.behind = [...rest];
    pool.attach(first.worker, launched.session.intraOpThreads, {
      byRequest: first.requestProof,
      since: performance.now(),
      warming: false,
      proofFailed: false,
    });
    return pool;
  }

  /** Starts the next worker behind the first when a job waits, or after BEHIND_IDLE_MS idle (see start()). */
  private scheduleBehind(): void {
    if (this.starting || this.slots.some((s) => s.unproven)) return;
    if (this.closed || this.behind.length === 0) {
      clearTimeout(this.behindTimer);
      this.settleAllStarted();
      return;
    }
    if (this.queue.length > 0) {
      clearTimeout(this.behindTimer);
      this.behindTimer = undefined;
      void this.startBehind();
    } else if (this.busy > 0) {
      clearTimeout(this.behindTimer);
      this.behindTimer = undefined;
    } else {
      this.behindTimer ??= setTimeout(() => {
        this.behindTimer = undefined;
        if (this.starting) return;
        if (this.options.ownerIdle?.() === false) this.scheduleBehind();
        else void this.startBehind();
      }, BEHIND_IDLE_MS);
    }
  }

  /** Starts the next worker behind the first, attaching it when warm, then schedules the one after. */
  private async startBehind(): Promise<void> {
    const threads = this.behind.shift();
    if (threads === undefined) return;
    try {
      const starting = spawn({ ...this.init, intraOpThreads: threads });
      this.starting = starting;
      const started = await starting;
      if (this.closed) await started.worker.terminate();
      else this.attach(started.worker, threads);
    } catch (err) {
      if (!this.closed) this.options.onWorkerFailed?.(err as Error);
    } finally {
      this.starting = undefined;
      this.scheduleBehind();
    }
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
      this.enqueue(
        { kind: 'image', job, queuedAt: performance.now(), background: isBackground(), resolve, reject },
        signal,
      );
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
            this.enqueue(
              {
                kind: 'image',
                job,
                group,
                queuedAt: performance.now(),
                background: isBackground(),
                resolve,
                reject,
              },
              signal,
            );
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
      this.enqueue(
        {
          kind: 'tensors',
          feeds,
          fetches,
          queuedAt: performance.now(),
          background: isBackground(),
          resolve,
          reject,
        },
        signal,
      );
    });
  }

  private enqueue(pending: Pending, signal?: AbortSignal): void {
    if (this.closedBecause !== undefined) {
      pending.reject(new RocketError('NOT_READY', this.closedBecause));
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
    // Synchronous work goes ahead of every queued background job (a job replaying /process).
    const firstBackground = pending.background ? -1 : this.queue.findIndex((p) => p.background);
    if (firstBackground < 0) this.queue.push(pending);
    else this.queue.splice(firstBackground, 0, pending);
    this.dispatch();
    this.scheduleBehind();
  }

  /** Terminates every worker; queued jobs fail with NOT_READY, saying `reason`. */
  async close(reason = 'The server is shutting down'): Promise<void> {
    this.closedBecause = reason;
    clearTimeout(this.timer);
    clearTimeout(this.behindTimer);
    this.settleAllStarted();
    this.settleProven(new RocketError('NOT_READY', reason));
    for (const p of this.queue.splice(0)) p.reject(new RocketError('NOT_READY', reason));
    // Terminating a thread while onnxruntime creates its session or runs it aborts the whole
    // process (onnxruntime-node throws from native code once the thread is gone): a worker still
    // starting is let finish, and a running batch or warm-up gets up to CLOSE_WAIT_MS to end (a
    // batch's answer goes nowhere once the drain has given up on it).
    await this.starting?.catch(() => {});
    const deadline = performance.now() + CLOSE_WAIT_MS;
    const running = () => this.slots.some((s) => s.busy || s.unproven?.warming);
    while (running() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private attach(worker: Worker, threads: number, unproven?: Unproven): void {
    const slot: Slot = { worker, threads, unproven };
    // Most threads first: dispatch() hands work to the first free slot.
    const at = this.slots.findIndex((s) => s.threads < threads);
    this.slots.splice(at < 0 ? this.slots.length : at, 0, slot);
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', () => {}); // 'exit' follows and handles it
    worker.on('exit', (code) => this.onExit(slot, code));
    this.dispatch();
  }

  /** Gives each free worker its next batch, as the batching policy decides (see batching.ts). */
  private dispatch(): void {
    if (this.closed) return; // nothing new starts on a worker that close() is about to terminate
    const policy = { batchMax: this.init.batchMax, batchWaitMs: this.options.batchWaitMs ?? 0 };
    for (const slot of this.slots) {
      if (slot.busy || slot.unproven?.warming) continue;
      if (slot.unproven && !this.awaitProof(slot.unproven)) {
        slot.unproven.warming = true;
        slot.worker.postMessage({ type: 'warm-up' } satisfies WorkerRequest);
        continue;
      }
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
      const proof = slot.unproven ? true : undefined;
      slot.worker.postMessage(
        { type: 'batch', id, jobs: batch.map((p) => p.job), proof },
        transferList(batch.map((p) => p.job.pixels)),
      );
    }
  }

  /**
   * Whether an unproven first worker keeps waiting for a request's batch to be its proof (see
   * start()): while an image job is queued, or its owner has a request on its way, for up to
   * PROOF_WAIT_MS. False sends it the warm-up: for a rocket no request may prove (see
   * provableByRequest()), after a failed proof, for raw tensors (which no family checks), or when
   * no request came.
   */
  private awaitProof(unproven: Unproven): boolean {
    if (!unproven.byRequest || unproven.proofFailed) return false;
    const head = this.queue[0];
    if (head) return head.kind === 'image';
    const waited = performance.now() - unproven.since;
    if (this.options.ownerIdle?.() !== false || waited >= PROOF_WAIT_MS) return false;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.dispatch();
    }, PROOF_POLL_MS);
    return true;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === 'proven' || (reply.type === 'init-error' && slot.unproven)) {
      this.onProof(slot, reply);
      return;
    }
    if (reply.type === 'batch-error' && slot.unproven && slot.busy?.id === reply.id) {
      slot.unproven.proofFailed = true;
    }
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
    this.scheduleBehind();
  }

  /** The first worker's proof (or warm-up) ended: the pool is ready, or the rocket failed to load. */
  private onProof(slot: Slot, reply: Extract<WorkerReply, { type: 'proven' | 'init-error' }>): void {
    if (reply.type === 'init-error') {
      slot.unproven = undefined;
      this.settleProven(new RocketError(reply.code, reply.message));
      return;
    }
    slot.unproven = undefined;
    this.startup = sinceProcessStart(reply.startup);
    this.settleProven();
    this.dispatch();
    this.scheduleBehind();
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.unproven) {
      const message = `The inference worker exited (exit code ${code}) before its first run passed the checks`;
      this.settleProven(new RocketError('MODEL_LOAD_FAILED', message));
    }
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
    spawn({ ...this.init, intraOpThreads: slot.threads }).then(
      (r) => {
        if (this.closed) void r.worker.terminate();
        else this.attach(r.worker, slot.threads);
      },
      () => {}, // the model loaded before, so this is rare; the pool keeps serving with fewer workers
    );
  }
}

/** How long close() lets running batches end before it terminates their workers. */
const CLOSE_WAIT_MS = 1000;

/** How long the pool waits idle before starting another worker behind the first (see start()). */
const BEHIND_IDLE_MS = 50;

/**
 * How long an unproven first worker waits for a request its owner is reading or decoding to be its
 * proof, before it warms up on a blank image instead (see start()); and how often it looks meanwhile.
 */
const PROOF_WAIT_MS = 1000;
const PROOF_POLL_MS = 5;

/** A worker's startup times (Unix epoch ms) as ms since the process started. */
function sinceProcessStart(startup: WorkerStartup): WorkerStartup {
  const at = (epochMs: number) => epochMs - performance.timeOrigin;
  return {
    importedMs: at(startup.importedMs),
    sessionMs: at(startup.sessionMs),
    specMs: at(startup.specMs),
    servableMs: at(startup.servableMs),
    readyMs: at(startup.readyMs),
    provenBy: startup.provenBy,
    optimizedModel: startup.optimizedModel,
  };
}

/** Starts one worker and waits for it to report its warm-up passed. */
function spawn(init: WorkerInit): ReturnType<typeof serve> {
  return serve(launchWorker(init), init, true);
}

/**
 * Tells a launched worker what to serve and waits until it is servable, and with `warm` until its
 * warm-up has passed too; terminates it on failure.
 */
function serve(
  launched: LaunchedWorker,
  init: ServeInit,
  warm: boolean,
): Promise<{ worker: Worker; provider: string; fallbackReason?: string; requestProof: boolean }> {
  const { worker } = launched;
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => fail(new RocketError('MODEL_LOAD_FAILED', err.message, { cause: err }));
    let servable: Awaited<ReturnType<typeof serve>> | undefined;
    const onMessage = (reply: WorkerReply) => {
      if (reply.type === 'opened') return;
      if (reply.type === 'servable') {
        const { provider, fallbackReason, requestProof } = reply;
        servable = { worker, provider, fallbackReason, requestProof };
        if (warm) {
          worker.postMessage({ type: 'warm-up' } satisfies WorkerRequest);
          return;
        }
      }
      worker.off('error', onError);
      worker.off('message', onMessage);
      if ((reply.type === 'servable' || reply.type === 'proven') && servable) resolve(servable);
      else if (reply.type === 'init-error') fail(new RocketError(reply.code, reply.message));
      else fail(new Error(`Unexpected message from a starting worker: ${reply.type}`));
    };
    const fail = (err: Error) => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      void worker.terminate();
      reject(err);
    };
    worker.once('error', onError);
    worker.on('message', onMessage);
    const { spec, kernels, batchMax } = init;
    worker.postMessage({ type: 'serve', serve: { spec, kernels, batchMax } } satisfies WorkerRequest);
  });
}
