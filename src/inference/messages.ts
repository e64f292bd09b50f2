import type { ErrorCode } from '../errors.js';
import type { Placement } from '../image/geometry.js';
import type { TaskResult } from '../pipeline/results.js';
import type { RocketSpec, Thresholds } from '../rocket/types.js';
import type { ProviderCandidate } from './providers.js';

/** Sent once to a new worker: what to load and how. */
export interface WorkerInit {
  spec: RocketSpec;
  candidates: ProviderCandidate[];
  intraOpThreads: number;
  kernels: 'native' | 'reference';
}

/** One image to run, decoded and resized on the main thread. `pixels` is transferred, not copied. */
export interface Job {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
  original: { width: number; height: number };
  placement: Placement;
  thresholds: Thresholds;
}

/** Per-stage times measured inside the worker, in milliseconds. */
export interface WorkerTiming {
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
}

export type WorkerRequest = { type: 'init'; init: WorkerInit } | { type: 'job'; id: number; job: Job };

export type WorkerReply =
  | { type: 'ready'; provider: string; fallbackReason?: string }
  | { type: 'init-error'; code: ErrorCode; message: string }
  | { type: 'result'; id: number; result: TaskResult; timing: WorkerTiming }
  | { type: 'job-error'; id: number; code: ErrorCode; message: string };
