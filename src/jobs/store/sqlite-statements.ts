import type Database from 'better-sqlite3';
import type { DeliveryRow, JobRow } from './lifecycle.js';

/** A jobs row of the SQLite store: the shared columns, and the files that hold its bodies. */
export interface SqliteJobRow extends JobRow {
  input_file: string | null;
  result_status: number | null;
  result_content_type: string | null;
  result_file: string | null;
}

type Named = Record<string, unknown>;

/** Every statement the SQLite store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  const row = <P extends unknown[] | Named>(sql: string) => db.prepare<P, SqliteJobRow>(sql);
  const write = <P extends unknown[] | Named>(sql: string) => db.prepare<P>(sql);
  const count = <P extends unknown[]>(sql: string) => db.prepare<P, { n: number }>(sql);
  return {
    owner: db.prepare<[], { rocket: string; model_sha256: string }>('SELECT rocket, model_sha256 FROM owner'),
    setOwner: write<[string, string]>('INSERT INTO owner (only, rocket, model_sha256) VALUES (1, ?, ?)'),
    byId: row<[string]>('SELECT * FROM jobs WHERE id = ?'),
    byIdempotencyKey: row<[string]>('SELECT * FROM jobs WHERE idempotency_key = ?'),
    countStatus: count<[string]>('SELECT count(*) AS n FROM jobs WHERE status = ?'),
    finishedSince: count<[number]>('SELECT count(*) AS n FROM jobs WHERE finished_at >= ?'),
    insert: write<Named>(
      `INSERT INTO jobs (id, status, created_at, webhook_url, webhook_events, idempotency_key, request_hash,
         request_content_type, request_accept, request_query, input_file)
       VALUES (@id, 'queued', @createdAt, @webhookUrl, @webhookEvents, @idempotencyKey, @requestHash,
         @contentType, @accept, @query, @inputFile)`,
    ),
    listAll: row<[number, number]>('SELECT * FROM jobs WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
    listStatus: row<[string, number, number]>(
      'SELECT * FROM jobs WHERE status = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    expiredLease: row<[number]>(
      "SELECT * FROM jobs WHERE status = 'running' AND lease_expires_at <= ? ORDER BY seq LIMIT 1",
    ),
    oldestQueued: row<[]>("SELECT * FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1"),
    take: write<Named>(
      `UPDATE jobs SET status = 'running', attempts = @attempts, started_at = @started_at,
         lease_token = @lease_token, lease_expires_at = @lease_expires_at WHERE id = @id`,
    ),
    end: write<Named>(
      `UPDATE jobs SET status = @status, finished_at = @finishedAt, error_code = @errorCode,
         error_message = @errorMessage, result_status = @resultStatus, result_content_type = @resultContentType,
         result_file = @resultFile, input_file = NULL, lease_token = NULL, lease_expires_at = NULL WHERE id = @id`,
    ),
    renew: write<[number, string, string]>(
      "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND status = 'running' AND lease_token = ?",
    ),
    requeue: write<[string]>(
      `UPDATE jobs SET status = 'queued', attempts = attempts - 1,
         started_at = CASE WHEN attempts <= 1 THEN NULL ELSE started_at END,
         lease_token = NULL, lease_expires_at = NULL WHERE id = ?`,
    ),
    requestCancel: write<[string]>('UPDATE jobs SET cancel_requested = 1 WHERE id = ?'),
    deleteJob: write<[string]>('DELETE FROM jobs WHERE id = ?'),
    counts: db.prepare<[], { status: string; n: number }>(
      'SELECT status, count(*) AS n FROM jobs GROUP BY status',
    ),
    finishedBefore: db.prepare<[number], { input_file: string | null; result_file: string | null }>(
      'SELECT input_file, result_file FROM jobs WHERE finished_at < ?',
    ),
    purgeDeliveries: write<[number]>(
      'DELETE FROM deliveries WHERE job_id IN (SELECT id FROM jobs WHERE finished_at < ?)',
    ),
    purgeJobs: write<[number]>('DELETE FROM jobs WHERE finished_at < ?'),
    fileKept: db.prepare<[string, string], { kept: number }>(
      'SELECT 1 AS kept FROM jobs WHERE input_file = ? OR result_file = ? LIMIT 1',
    ),
    insertDelivery: write<Named>(
      `INSERT INTO deliveries (id, job_id, event, url, payload, attempts, next_attempt_at)
       VALUES (@id, @jobId, @event, @url, @payload, 0, @nextAttemptAt)`,
    ),
    dueDelivery: db.prepare<[number, number], DeliveryRow>(
      `SELECT * FROM deliveries WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
       ORDER BY next_attempt_at LIMIT 1`,
    ),
    leaseDelivery: write<[number, string]>('UPDATE deliveries SET lease_until = ? WHERE id = ?'),
    deleteDelivery: write<[string]>('DELETE FROM deliveries WHERE id = ?'),
    retryDelivery: write<[number, string]>(
      'UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL WHERE id = ?',
    ),
  };
}

/** The prepared statements of one connection. */
export type Statements = ReturnType<typeof prepareStatements>;
