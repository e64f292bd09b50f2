import Database from 'better-sqlite3';

/** The database file in DATA_DIR (with its `-wal` and `-shm` companions). */
export const DATABASE_FILE = 'jobs.sqlite';

/**
 * Milliseconds a statement waits for another process's write lock before SQLITE_BUSY. Writes hold
 * it for a few small rows (well under a millisecond), so waiting this long means something is stuck.
 */
const BUSY_TIMEOUT_MS = 5000;

// Times are epoch ms from the store's clock. Request bodies and results live in files (blob-files.ts);
// the rows name them. `seq` orders jobs by insertion: claims take the lowest, lists show the highest first.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS owner (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  rocket TEXT NOT NULL,
  model_sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  webhook_url TEXT,
  webhook_events TEXT,
  idempotency_key TEXT UNIQUE,
  request_hash TEXT NOT NULL,
  request_content_type TEXT NOT NULL,
  request_accept TEXT NOT NULL,
  request_query TEXT NOT NULL,
  input_file TEXT,
  result_status INTEGER,
  result_content_type TEXT,
  result_file TEXT,
  lease_token TEXT,
  lease_expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq);
CREATE INDEX IF NOT EXISTS jobs_by_finish ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_input_file ON jobs (input_file) WHERE input_file IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_by_result_file ON jobs (result_file) WHERE result_file IS NOT NULL;
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_by_due ON deliveries (next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_by_job ON deliveries (job_id);
`;

/**
 * Opens (creating when absent) the job database at `file`: WAL, so readers never wait for the
 * writer and several processes on one host share it; synchronous=NORMAL, which in WAL mode never
 * corrupts and loses no commit when a process dies (only an OS crash or power loss may undo the
 * last commits before a checkpoint) while sparing an fsync, which would block the event loop, per
 * commit; the schema created in one IMMEDIATE transaction, so processes opening it at once agree.
 */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal')
      throw new Error(`its filesystem does not support SQLite's WAL mode (journal_mode is ${mode})`);
    db.pragma('synchronous = NORMAL');
    db.transaction(() => db.exec(SCHEMA)).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
