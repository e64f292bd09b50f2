import type pg from 'pg';
import { transaction } from './postgres-pool.js';

/**
 * The advisory lock (one bigint per database) that serialises creating the schema, so processes
 * starting at once never race on CREATE TABLE IF NOT EXISTS (which can fail on a duplicate type
 * when run concurrently).
 */
const SCHEMA_LOCK = 7_262_051_001;

// The tables live in the connection's search_path (public by default), prefixed so a database shared
// with other applications stays readable. Times are epoch ms (bigint) from the store's clock; bodies are
// bytea, since containers on different hosts share nothing but the database. Bodies are stored out of
// line uncompressed (STORAGE EXTERNAL): they are images and encoded results, which compression does not
// shrink, and trying costs the server about 5 ms of CPU per 0.5 MB input. `seq` orders jobs by
// insertion: claims take the lowest, lists show the highest first.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS rocketserve_owner (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  rocket text NOT NULL,
  model_sha256 text NOT NULL
);
CREATE TABLE IF NOT EXISTS rocketserve_jobs (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  status text NOT NULL,
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  attempts integer NOT NULL DEFAULT 0,
  error_code text,
  error_message text,
  cancel_requested boolean NOT NULL DEFAULT false,
  webhook_url text,
  webhook_events text,
  idempotency_key text UNIQUE,
  request_hash text NOT NULL,
  request_content_type text NOT NULL,
  request_accept text NOT NULL,
  request_query text NOT NULL,
  input_body bytea,
  result_status integer,
  result_content_type text,
  result_body bytea,
  lease_token text,
  lease_expires_at bigint
);
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'rocketserve_jobs'::regclass
             AND attname IN ('input_body', 'result_body') AND attstorage <> 'e') THEN
    ALTER TABLE rocketserve_jobs ALTER COLUMN input_body SET STORAGE EXTERNAL,
      ALTER COLUMN result_body SET STORAGE EXTERNAL;
  END IF;
END $$;
CREATE INDEX IF NOT EXISTS rocketserve_jobs_by_status ON rocketserve_jobs (status, seq);
CREATE INDEX IF NOT EXISTS rocketserve_jobs_by_finish ON rocketserve_jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS rocketserve_deliveries (
  id text PRIMARY KEY,
  job_id text NOT NULL,
  event text NOT NULL,
  url text NOT NULL,
  payload text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  lease_until bigint
);
CREATE INDEX IF NOT EXISTS rocketserve_deliveries_by_due ON rocketserve_deliveries (next_attempt_at);
CREATE INDEX IF NOT EXISTS rocketserve_deliveries_by_job ON rocketserve_deliveries (job_id);
`;

/** Creates the tables that are missing, holding {@link SCHEMA_LOCK}; rejects as pg does. */
export async function createSchema(pool: pg.Pool): Promise<void> {
  await transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(SCHEMA);
  });
}
