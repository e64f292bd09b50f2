import * as workerThreads from 'node:worker_threads';
import type { ErrorCode } from '../errors.js';
import type { Placement } from '../image/geometry.js';
import type { KernelKind } from '../kernels/types.js';
import type { RocketSpec, Thresholds } from '../rocket/types.js';
import type { FamilyOptions, TaskFields } from '../tasks/types.js';
import type { ProviderCandidate } from './providers.js';

/**
 * Sent first to a new worker: what its onnxruntime session needs, which is only the model file.
 * The session then loads while the main thread is still reading the rocket's spec.
 */
export interface SessionInit {
  modelPath: string;
  candidates: ProviderCandidate[];
  intraOpThreads: number;
  /**
   * Whether idle intra-op threads spin. Only a lone worker may: beside other workers, a spinning
   * thread takes a core from them.
   */
  spinning: boolean;
  /** Nice steps the worker thread (and the onnxruntime threads it creates) runs below the main thread. */
  nice: number;
  /**
   * Where onnxruntime's optimized copies of models are kept for later starts (CACHE_DIR/optimized,
   * see optimized-model.ts), or null for none. Used on the CPU only.
   */
  optimizedModelDir: string | null;
  /**
   * Whether this worker, finding no copy there, has onnxruntime make one: every worker but the
   * first of several, whose start is the cold start's critical path (making a copy costs it the
   * model's hashing and about 6 ms more for YOLOv8n's session).
   */
  savesOptimizedModel: boolean;
}

/** Sent second: what the session serves, and how. */
export interface ServeInit {
  spec: RocketSpec;
  kernels: KernelKind;
  /** Largest batch a worker is sent (1 unless the model has a dynamic batch dimension). */
  batchMax: number;
}

/** Everything a worker is told; the pool sends it as a SessionInit, then a ServeInit. */
export type WorkerInit = SessionInit & ServeInit;

/** One image to run, decoded and resized on the main thread. `pixels` is transferred, not copied. */
export interface Job {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
  original: { width: number; height: number };
  placement: Placement;
  thresholds: Thresholds;
  /** The family's own query parameters of the request (src/tasks/types.ts FamilyOptions). */
  options: FamilyOptions;
  /** `pixels` are the whole decoded image, resized in the worker (model-size.ts) before use. */
  unresized?: true;
}

/** Per-stage times of one batch measured inside the worker, in milliseconds. */
export interface WorkerTiming {
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  /**
   * Model runs of the batch, when its family's head drives inference itself (image-to-image
   * tiles: 1 for an image run whole); absent when the batch ran once.
   */
  tiles?: number;
}

/**
 * Where a worker's start went: what a slow cold start is read from. The worker sends Unix epoch
 * milliseconds; the pool's `startup` holds them as ms since the process started.
 */
export interface WorkerStartup {
  /** The worker's modules loaded (onnxruntime, the kernels). */
  importedMs: number;
  /** The onnxruntime session created. */
  sessionMs: number;
  /** The spec arrived from the main thread (`serve`). */
  specMs: number;
  /** Its runner was built: it could take its first batch (`servable`). */
  servableMs: number;
  /** Its first run passed the family's checks (`proven`): ready. */
  readyMs: number;
  /** What that first run was: the first request's images, or a blank image (`warm-up`). */
  provenBy: 'request' | 'blank';
  /** What onnxruntime's optimized-model cache did: `loaded`, `saved`, `off`, or why not. */
  optimizedModel: string;
}

/** One job's answer; `batchSize` is how many images shared its inference run. */
export interface JobResult {
  fields: TaskFields;
  timing: WorkerTiming;
  batchSize: number;
  /** When the job was queued, and when its batch was handed to a worker (main-thread performance.now(), ms). */
  queuedAt: number;
  startedAt: number;
}

/** A tensor as it crosses between threads: onnxruntime's type name, dims and data. */
export interface WireTensor {
  type: string;
  dims: number[];
  data: ArrayBufferView | string[] | boolean[];
}

export type WorkerRequest =
  | { type: 'open'; session: SessionInit }
  | { type: 'serve'; serve: ServeInit }
  /** Runs the warm-up (a blank image at confidence 0, or a row of zeros), then answers `proven`. */
  | { type: 'warm-up' }
  /**
   * Runs a batch. With `proof`, the worker's first: the family's checks also see every candidate
   * of each image (confidence 0) before its answer is sent, as the warm-up's would; `proven`
   * follows the results when they pass.
   */
  | { type: 'batch'; id: number; jobs: Job[]; proof?: boolean }
  | { type: 'tensors'; id: number; feeds: Record<string, WireTensor>; fetches: string[] };

export type WorkerReply =
  /** The session asked for by `open` exists, or failed (the failure is reported to `serve`). */
  | { type: 'opened' }
  /**
   * The runner is built (`serve`): the worker takes a `warm-up` next, or, when `requestProof`
   * (provableByRequest()), a `proof` batch.
   */
  | { type: 'servable'; provider: string; fallbackReason?: string; requestProof: boolean }
  /** Its first run (the warm-up or a proof batch) passed the family's checks: ready. */
  | { type: 'proven'; startup: WorkerStartup }
  | { type: 'init-error'; code: ErrorCode; message: string }
  | { type: 'results'; id: number; results: TaskFields[]; timing: WorkerTiming }
  | { type: 'tensors-result'; id: number; outputs: Record<string, WireTensor>; inferenceMs: number }
  | { type: 'batch-error'; id: number; code: ErrorCode; message: string };

/**
 * Node >= 21's worker_threads.isMarkedAsUntransferable. Buffers over memory a native addon owns
 * (sharp's output) are marked so; Node 20 has no such check and silently copies them when listed
 * for transfer, where Node >= 21 throws DataCloneError.
 */
const isUntransferable =
  (workerThreads as { isMarkedAsUntransferable?: (buffer: ArrayBuffer) => boolean })
    .isMarkedAsUntransferable ?? (() => false);

/**
 * The buffers behind whichever of `values` are typed arrays, to transfer with a message instead of
 * copying them. Only for arrays that own their whole buffer and are not used after sending. Buffers
 * that cannot be transferred (see isUntransferable) are left out: the message copies them.
 */
export function transferList(values: Iterable<unknown>): ArrayBuffer[] {
  return [...values].flatMap((v) =>
    ArrayBuffer.isView(v) && !isUntransferable(v.buffer as ArrayBuffer) ? [v.buffer as ArrayBuffer] : [],
  );
}
