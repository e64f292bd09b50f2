import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RocketError } from '../errors.js';
import type { TaskResult } from '../pipeline/results.js';
import type { Job, WorkerInit, WorkerReply, WorkerTiming } from './messages.js';

/** The compiled worker script. Under vitest this module runs from src/, so use the built copy. */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'worker.js');
  if (existsSync(sibling)) return sibling;
  const built = join(dirname(here), '..', '..', 'dist', 'src', 'inference', 'worker.js');
  if (existsSync(built)) return built;
  throw new Error(`Inference worker script not found at ${sibling} or ${built}; run npm run build:ts`);
}

interface Pending {
  job: Job;
  resolve(value: { result: TaskResult; timing: WorkerTiming }): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending };
}

/**
 * A fixed set of inference worker threads, each with its own onnxruntime session, fed from one
 * FIFO queue. A worker that dies is replaced; only the job it held fails (INFERENCE_FAILED).
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly init: WorkerInit,
    /** The execution provider the workers use (e.g. "cpu", "cuda:0"). */
    readonly provider: string,
  ) {}

  /** Starts `size` workers and resolves once every one has loaded its model and run its warm-up. */
  static async start(
    init: WorkerInit,
    size: number,
    onFallback?: (reason: string) => void,
  ): Promise<InferencePool> {
    const first = await spawn(init);
    if (first.fallbackReason) onFallback?.(first.fallbackReason);
    const pool = new InferencePool(init, first.provider);
    pool.attach(first.worker);
    const rest = await Promise.all(Array.from({ length: size - 1 }, () => spawn(init)));
    for (const r of rest) pool.attach(r.worker);
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Jobs waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs one job; `job.pixels` is transferred to the worker and unusable afterwards. */
  run(job: Job): Promise<{ result: TaskResult; timing: WorkerTiming }> {
    if (this.closed) return Promise.reject(new RocketError('NOT_READY', 'The server is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; queued jobs fail with NOT_READY. */
  async close(): Promise<void> {
    this.closed = true;
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

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const pending = this.queue.shift();
      if (!pending) return;
      const id = this.nextId++;
      slot.busy = { id, pending };
      const buffer = pending.job.pixels.buffer as ArrayBuffer;
      slot.worker.postMessage({ type: 'job', id, job: pending.job }, [buffer]);
    }
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if ((reply.type !== 'result' && reply.type !== 'job-error') || slot.busy?.id !== reply.id) return;
    const { pending } = slot.busy;
    slot.busy = undefined;
    if (reply.type === 'result') pending.resolve({ result: reply.result, timing: reply.timing });
    else pending.reject(new RocketError(reply.code, reply.message));
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    slot.busy?.pending.reject(
      new RocketError(
        'INFERENCE_FAILED',
        `The inference worker exited unexpectedly (exit code ${code}); retry the request`,
      ),
    );
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
