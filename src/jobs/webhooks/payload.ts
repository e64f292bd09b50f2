import { type JobJson, jobJson } from '../job-json.js';
import type { JobRecord, JobResult, WebhookEvent } from '../types.js';

/** The JSON body of one webhook: Standard Webhooks' `type`, `timestamp` and `data` envelope. */
export interface WebhookPayload {
  type: `job.${WebhookEvent}`;
  timestamp: string;
  /** The job, and its result when the result is JSON (an image result is fetched from /jobs/{id}/result). */
  data: JobJson & { result?: unknown };
}

/** The body sent for `event` on `job`, fixed when the event happens (every retry sends it unchanged). */
export function webhookPayload(event: WebhookEvent, job: JobRecord, at: number, result?: JobResult): string {
  const data: WebhookPayload['data'] = jobJson(job);
  if (result && /^application\/json\b/.test(result.contentType))
    data.result = JSON.parse(result.body.toString('utf8'));
  const payload: WebhookPayload = { type: `job.${event}`, timestamp: new Date(at).toISOString(), data };
  return JSON.stringify(payload);
}
