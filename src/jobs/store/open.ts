import type { Config } from '../../config/options.js';
import type { Clock, JobStore } from '../types.js';

/**
 * Opens the job store the configuration names: PostgreSQL at JOB_STORE when it is set (every
 * container of a deployment shares it), else SQLite in `dataDir` (DATA_DIR, or the per-rocket
 * default folder the caller resolved: src/jobs/data-dir.ts). Rejects with JOB_STORE_UNAVAILABLE,
 * giving the reason, when the store cannot be opened. The caller then claims it for its rocket
 * (`claimOwnership`, DATA_DIR_IN_USE) and closes it on shutdown. `clock` (default Date.now) gives
 * every time the store records or compares; tests inject a fake one.
 */
export async function openJobStore(
  config: Pick<Config, 'JOB_STORE'>,
  options: { dataDir: string; clock?: Clock },
): Promise<JobStore> {
  // Each store's driver loads only when it is the one asked for (`pg` alone takes ~25 ms to import).
  if (config.JOB_STORE)
    return (await import('./postgres.js')).PostgresJobStore.open(config.JOB_STORE, options.clock);
  return (await import('./sqlite.js')).SqliteJobStore.open(options.dataDir, options.clock);
}
