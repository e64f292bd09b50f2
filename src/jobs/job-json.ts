import type { JobRecord } from './types.js';

/** A job as the API shows it (GET /jobs/{id}, webhooks): times as ISO 8601 strings or null. */
export interface JobJson {
  id: string;
  status: JobRecord['status'];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: JobRecord['error'];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The API's view of a job record. */
export function jobJson(job: JobRecord): JobJson {
  return {
    id: job.id,
    status: job.status,
    createdAt: new Date(job.createdAt).toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    attempts: job.attempts,
    error: job.error,
  };
}
