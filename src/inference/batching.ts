/**
 * The micro-batching policy of the inference pool, apart from its threads and timers: given the
 * queue, which jobs a free worker takes next, or how long it waits for more.
 */

/** What the policy reads of a queued job. */
export interface QueuedJob {
  /** An image job (batchable) or a raw-tensor run (always alone). */
  kind: 'image' | 'tensors';
  /** Jobs of one request sharing a group run together, whatever `batchMax` says. */
  group?: number;
  /** When it was queued, on the clock `now` is read from (performance.now()). */
  queuedAt: number;
}

/** The pool's batching settings. */
export interface BatchPolicy {
  /** The most ungrouped image jobs in one run (BATCH_MAX); 1 turns micro-batching off. */
  batchMax: number;
  /** How long a partial batch waits for more jobs, in ms (only when batchMax > 1). */
  batchWaitMs: number;
}

/** What a free worker does next. */
export type NextBatch =
  /** Nothing is queued. */
  | { action: 'idle' }
  /** Run the tensor job at the head of the queue, alone. */
  | { action: 'tensors' }
  /** Run the first `size` jobs of the queue (image jobs) as one batch. */
  | { action: 'batch'; size: number }
  /** Run nothing yet: a partial batch waits `ms` more for jobs to fill it. */
  | { action: 'wait'; ms: number };

/** How many ungrouped image jobs stand at the head of the queue, up to `max`. */
export function leadingImages(queue: readonly QueuedJob[], max: number): number {
  let n = 0;
  while (n < max && queue[n]?.kind === 'image' && !queue[n]?.group) n++;
  return n;
}

/** How many jobs of `group` stand together at the head of the queue. */
export function groupSize(queue: readonly QueuedJob[], group: number): number {
  let n = 0;
  while (queue[n]?.group === group) n++;
  return n;
}

/**
 * What a free worker takes from the queue at time `now` (FIFO): a tensor job alone; a request's
 * group of images together, however many; else up to `batchMax` ungrouped images. When those
 * images are the whole queue and fewer than `batchMax`, the batch waits until the oldest has been
 * queued `batchWaitMs`, unless that time has passed.
 */
export function nextBatch(queue: readonly QueuedJob[], policy: BatchPolicy, now: number): NextBatch {
  const oldest = queue[0];
  if (!oldest) return { action: 'idle' };
  if (oldest.kind === 'tensors') return { action: 'tensors' };
  const { batchMax, batchWaitMs } = policy;
  const size = oldest.group ? groupSize(queue, oldest.group) : leadingImages(queue, batchMax);
  const waitLeft = batchWaitMs - (now - oldest.queuedAt);
  if (!oldest.group && batchMax > 1 && size < batchMax && size === queue.length && waitLeft > 0) {
    return { action: 'wait', ms: waitLeft };
  }
  return { action: 'batch', size };
}
