import { RocketError } from '../../errors.js';
import type { JobStatus, StoreOwner } from '../types.js';

/** The catalogue errors both job stores throw, worded once. */

export const jobNotFound = (id: string) =>
  new RocketError(
    'JOB_NOT_FOUND',
    `No job has id ${id}: it never existed, was deleted, or passed JOB_RETENTION_H`,
  );

/** `action` is what was refused: "cancel" a finished job, "delete" a queued or running one. */
export const jobNotFinished = (id: string, status: JobStatus, action: 'cancel' | 'delete') =>
  new RocketError(
    'JOB_NOT_FINISHED',
    action === 'cancel'
      ? `Job ${id} has already finished (${status}); there is nothing to cancel`
      : `Job ${id} is ${status}; cancel it, or wait until it finishes, before deleting it`,
  );

export const idempotencyConflict = (key: string) =>
  new RocketError(
    'IDEMPOTENCY_CONFLICT',
    `Idempotency-Key ${JSON.stringify(key)} was already used with a different request (body, query or content type)`,
  );

/**
 * QUEUE_FULL with a Retry-After estimated from the queue's pace: one place frees up about every
 * 60 / (jobs finished in the last minute) seconds. Nothing finished in the last minute (jobs slower
 * than that, or no worker running): 30 s. Clamped to 1..60 s.
 */
export function queueFull(maxQueued: number, finishedLastMinute: number): RocketError {
  const seconds = finishedLastMinute > 0 ? Math.min(60, Math.max(1, Math.ceil(60 / finishedLastMinute))) : 30;
  return new RocketError(
    'QUEUE_FULL',
    `MAX_JOBS_QUEUED (${maxQueued}) jobs are waiting; retry after ${seconds} s`,
    { headers: { 'retry-after': String(seconds) } },
  );
}

/** `where` names the store as an operator configured it: `DATA_DIR /data`, `JOB_STORE postgres://…`. */
export function storeInUse(where: string, recorded: StoreOwner, owner: StoreOwner): RocketError {
  const describe = (o: StoreOwner) => `rocket "${o.rocket}" (model sha256 ${o.modelSha256.slice(0, 12)}…)`;
  return new RocketError(
    'DATA_DIR_IN_USE',
    `${where} holds the jobs of ${describe(recorded)}, and this is ${describe(owner)}. ` +
      'Sharing a job store between models corrupts data: give each rocket its own DATA_DIR ' +
      '(its own volume), or its own JOB_STORE database.',
  );
}

export const storeUnavailable = (where: string, reason: string, cause?: unknown) =>
  new RocketError('JOB_STORE_UNAVAILABLE', `${where} cannot be opened: ${reason}`, { cause });

export const invalidCursor = (cursor: string) =>
  new RocketError(
    'INVALID_PARAMETER',
    `Expected the next value of a previous page for cursor but received ${JSON.stringify(cursor)}`,
  );
