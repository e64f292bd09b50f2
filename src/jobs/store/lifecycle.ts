import { randomUUID } from 'node:crypto';
import { ERROR_CATALOGUE } from '../../errors.js';
import type { Delivery, JobError, JobRecord, JobResult, JobStatus, Outcome, WebhookEvent } from '../types.js';
import { webhookPayload } from '../webhooks/payload.js';

/**
 * How a job moves between statuses, decided once for both stores: each store reads a row, asks
 * these pure functions what the row becomes, and writes that in its own transaction.
 *
 * Rules beyond the JobStore comments:
 * - A cancel asked while a job ran wins over how its inference ended: `finish` (and `release`, and
 *   a lease that expires) end it `canceled`, its result discarded and no webhook sent.
 * - A job that runs out of attempts because its worker stopped fails with INFERENCE_FAILED and a
 *   result like any failed request's (the 500 error body), so every failed job has a result.
 * - Every claim, a retake included, queues a `started` delivery when the webhook asks for it.
 */

/** The columns of a job row both stores keep (where the request and result bodies live aside). */
export interface JobRow {
  id: string;
  seq: number;
  status: JobStatus;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  /** SQLite answers 0 or 1. */
  cancel_requested: boolean | number;
  webhook_url: string | null;
  /** The events, comma-separated. */
  webhook_events: string | null;
  idempotency_key: string | null;
  /** NewJob.requestHash: what "the same request" means for an idempotency key. */
  request_hash: string;
  request_content_type: string;
  request_accept: string;
  request_query: string;
  lease_token: string | null;
  lease_expires_at: number | null;
}

/** A webhook outbox row as both stores keep it. */
export interface DeliveryRow {
  id: string;
  job_id: string;
  event: WebhookEvent;
  url: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
}

/** The Delivery a sender is handed. */
export const toDelivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  jobId: row.job_id,
  event: row.event,
  url: row.url,
  payload: row.payload,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
});

/** A webhook outbox row to insert. */
export interface NewDelivery {
  id: string;
  jobId: string;
  event: WebhookEvent;
  url: string;
  payload: string;
  nextAttemptAt: number;
}

/** What a job row becomes when it finishes. */
export interface Ending {
  status: 'succeeded' | 'failed' | 'canceled';
  finishedAt: number;
  error: JobError | null;
  /** What /jobs/{id}/result answers: null for canceled jobs, and for failed ones whose worker stopped (see {@link resultOf}). */
  result: JobResult | null;
  delivery: NewDelivery | null;
}

/** The API's record of a row. */
export function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    cancelRequested: Boolean(row.cancel_requested),
    webhook: row.webhook_url
      ? {
          url: row.webhook_url,
          events: (row.webhook_events ?? '').split(',').filter(Boolean) as WebhookEvent[],
        }
      : null,
  };
}

/** Whether `leaseToken` is the current claim of a running job. */
export const holdsLease = (row: JobRow | undefined, leaseToken: string): row is JobRow =>
  row?.status === 'running' && row.lease_token === leaseToken;

/** The outbox row for `event` when the job's webhook asks for it. */
function deliveryFor(
  event: WebhookEvent,
  job: JobRecord,
  now: number,
  result?: JobResult,
): NewDelivery | null {
  if (!job.webhook?.events.includes(event)) return null;
  const payload = webhookPayload(event, job, now, result);
  return {
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    jobId: job.id,
    event,
    url: job.webhook.url,
    payload,
    nextAttemptAt: now,
  };
}

/** How a claimed job ends with `outcome` (a requested cancel wins). */
export function ending(row: JobRow, outcome: Outcome, now: number): Ending {
  if (row.cancel_requested || outcome.status === 'canceled') {
    return { status: 'canceled', finishedAt: now, error: null, result: null, delivery: null };
  }
  const end = endingWithoutWebhook(outcome, now);
  const job: JobRecord = { ...toRecord(row), status: outcome.status, finishedAt: now, error: end.error };
  const event = outcome.status === 'succeeded' ? 'completed' : 'failed';
  return { ...end, delivery: deliveryFor(event, job, now, outcome.result) };
}

/**
 * How a claimed job without a webhook, and whose cancel was not asked, ends with a run's outcome:
 * what {@link ending} gives such a row, without reading it.
 */
export function endingWithoutWebhook(outcome: Exclude<Outcome, { status: 'canceled' }>, now: number): Ending {
  const error = outcome.status === 'failed' ? outcome.error : null;
  return { status: outcome.status, finishedAt: now, error, result: outcome.result, delivery: null };
}

/** The result of a failed job no worker answered for: the error body /process would have sent. */
function errorResult(error: JobError): JobResult {
  return {
    status: ERROR_CATALOGUE.INFERENCE_FAILED.status,
    contentType: 'application/json; charset=utf-8',
    body: Buffer.from(JSON.stringify({ error })),
  };
}

/**
 * What a running job whose lease expired becomes: `undefined` when it is taken again, else how it
 * ends (canceled when a cancel was asked; failed after `maxAttempts` attempts).
 */
export function expiredLeaseEnding(row: JobRow, maxAttempts: number, now: number): Ending | undefined {
  if (row.cancel_requested) return ending(row, { status: 'canceled' }, now);
  if (row.attempts < maxAttempts) return undefined;
  const error = {
    code: 'INFERENCE_FAILED',
    message: `The worker stopped: its lease expired on each of the job's ${row.attempts} attempts (JOB_MAX_ATTEMPTS=${maxAttempts})`,
  };
  return { ...ending(row, { status: 'failed', error, result: errorResult(error) }, now), result: null };
}

/**
 * What GET /jobs/{id}/result answers for a row: its stored result (status, content type and
 * `body`) once it succeeded or failed, the error body for a failed job that has none stored,
 * else undefined (not finished, or canceled).
 */
export function resultOf(
  row: JobRow & { result_status: number | null; result_content_type: string | null },
  body: Buffer | null,
): JobResult | undefined {
  if (row.status !== 'succeeded' && row.status !== 'failed') return undefined;
  if (body !== null && row.result_status !== null) {
    return {
      status: row.result_status,
      contentType: row.result_content_type ?? 'application/octet-stream',
      body,
    };
  }
  const error = toRecord(row).error;
  return row.status === 'failed' && error ? errorResult(error) : undefined;
}

/** A row as a worker claims it: running under a new lease token, one more attempt. */
export function claimedRow<Row extends JobRow>(row: Row, leaseMs: number, now: number): Row {
  return {
    ...row,
    status: 'running',
    attempts: row.attempts + 1,
    started_at: now,
    lease_token: randomUUID(),
    lease_expires_at: now + leaseMs,
  };
}

/** The `started` delivery of a just-claimed row, when its webhook asks for it. */
export const startedDelivery = (claimed: JobRow, now: number) =>
  deliveryFor('started', toRecord(claimed), now);
