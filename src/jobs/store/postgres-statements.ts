/**
 * Every statement the PostgreSQL store runs ($n placeholders; tables from postgres-schema.ts).
 * Reads of a job take {@link JOB_COLUMNS}; only a claim reads the request body (when the claiming
 * process does not hold it already) and only a result read the result body. Each is a named
 * prepared statement: a connection parses and plans it once, then only binds and runs it (the
 * server's CPU for a job's statements halved in a benchmark of the store alone). Every statement
 * names the columns it returns, as a prepared one must keep its result's shape.
 */

/** The jobs columns every read takes: all but the bodies. */
const JOB_COLUMNS = `id, seq, status, created_at, started_at, finished_at, attempts, error_code,
  error_message, cancel_requested, webhook_url, webhook_events, idempotency_key, request_hash,
  request_content_type, request_accept, request_query, result_status, result_content_type, lease_token,
  lease_expires_at`;

/** What a job's row becomes when it ends ($2 to $8: status, finished_at, error, result). */
const ENDED = `status = $2, finished_at = $3, error_code = $4, error_message = $5, result_status = $6,
  result_content_type = $7, result_body = $8, input_body = NULL, lease_token = NULL, lease_expires_at = NULL`;

/** A job ready to claim: `where` picks queued jobs or expired leases; rows other claims hold are skipped. */
const takeWhere = (where: string) =>
  `SELECT ${JOB_COLUMNS} FROM rocketserve_jobs WHERE ${where} ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`;

/**
 * The advisory lock (one bigint per database) a submit holds, so the queue's size and an idempotency
 * key are checked and written by one submit at a time.
 */
const SUBMIT_LOCK = 7_262_051_002;

const TEXTS = {
  setOwner: 'INSERT INTO rocketserve_owner (rocket, model_sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  owner: 'SELECT rocket, model_sha256 FROM rocketserve_owner',
  lockSubmits: `SELECT pg_advisory_xact_lock(${SUBMIT_LOCK})`,
  byId: `SELECT ${JOB_COLUMNS} FROM rocketserve_jobs WHERE id = $1`,
  byIdForUpdate: `SELECT ${JOB_COLUMNS} FROM rocketserve_jobs WHERE id = $1 FOR UPDATE`,
  byIdempotencyKey: `SELECT ${JOB_COLUMNS} FROM rocketserve_jobs WHERE idempotency_key = $1`,
  countQueued: "SELECT count(*)::int AS n FROM rocketserve_jobs WHERE status = 'queued'",
  finishedSince: 'SELECT count(*)::int AS n FROM rocketserve_jobs WHERE finished_at >= $1',
  insert: `INSERT INTO rocketserve_jobs (id, status, created_at, webhook_url, webhook_events, idempotency_key,
      request_hash, request_content_type, request_accept, request_query, input_body)
    VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${JOB_COLUMNS}`,
  list: `SELECT ${JOB_COLUMNS} FROM rocketserve_jobs WHERE seq < $1 AND ($2::text IS NULL OR status = $2)
    ORDER BY seq DESC LIMIT $3`,
  result: `SELECT ${JOB_COLUMNS}, result_body FROM rocketserve_jobs WHERE id = $1`,
  takeExpired: takeWhere("status = 'running' AND lease_expires_at <= $1"),
  takeQueued: takeWhere("status = 'queued'"),
  input: 'SELECT input_body FROM rocketserve_jobs WHERE id = $1',
  take: `UPDATE rocketserve_jobs SET status = 'running', attempts = $2, started_at = $3, lease_token = $4,
    lease_expires_at = $5 WHERE id = $1`,
  renew: `UPDATE rocketserve_jobs SET lease_expires_at = $1
    WHERE id = $2 AND status = 'running' AND lease_token = $3`,
  end: `UPDATE rocketserve_jobs SET ${ENDED} WHERE id = $1`,
  endLeasedWithoutWebhook: `UPDATE rocketserve_jobs SET ${ENDED}
    WHERE id = $1 AND status = 'running' AND lease_token = $9 AND NOT cancel_requested AND webhook_url IS NULL`,
  requeue: `UPDATE rocketserve_jobs SET status = 'queued', attempts = attempts - 1,
      started_at = CASE WHEN attempts <= 1 THEN NULL ELSE started_at END, lease_token = NULL, lease_expires_at = NULL
    WHERE id = $1`,
  requestCancel: 'UPDATE rocketserve_jobs SET cancel_requested = true WHERE id = $1',
  deleteJob: 'DELETE FROM rocketserve_jobs WHERE id = $1',
  counts: 'SELECT status, count(*)::int AS n FROM rocketserve_jobs GROUP BY status',
  purge: `WITH gone AS (DELETE FROM rocketserve_jobs WHERE finished_at < $1 RETURNING id),
      deliveries AS (DELETE FROM rocketserve_deliveries WHERE job_id IN (SELECT id FROM gone))
    SELECT count(*)::int AS n FROM gone`,
  insertDelivery: `INSERT INTO rocketserve_deliveries (id, job_id, event, url, payload, next_attempt_at)
    VALUES ($1, $2, $3, $4, $5, $6)`,
  claimDelivery: `UPDATE rocketserve_deliveries SET lease_until = $2 WHERE id = (
      SELECT id FROM rocketserve_deliveries WHERE next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
      ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, job_id, event, url, payload, attempts, next_attempt_at, lease_until`,
  retryDelivery: `UPDATE rocketserve_deliveries SET attempts = attempts + 1, next_attempt_at = $1, lease_until = NULL
    WHERE id = $2`,
  deleteDelivery: 'DELETE FROM rocketserve_deliveries WHERE id = $1',
} as const;

/** A statement pg prepares on each connection once, by its name. */
export interface Statement {
  name: string;
  text: string;
}

export const SQL = Object.fromEntries(
  Object.entries(TEXTS).map(([key, text]) => [key, { name: `rocketserve_${key}`, text }]),
) as Record<keyof typeof TEXTS, Statement>;
