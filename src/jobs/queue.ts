import { createHash, randomUUID } from 'node:crypto';
import { RocketError } from '../errors.js';
import { jobNotFound } from './store/errors.js';
import {
  FINISHED,
  type JobQueue,
  type JobRecord,
  type JobRequest,
  type JobResult,
  type JobStatus,
  type JobStore,
  type SubmitOptions,
} from './types.js';

/** What a {@link StoreJobQueue} needs besides its store. */
export interface QueueOptions {
  /** MAX_JOBS_QUEUED: a submit beyond it gets QUEUE_FULL. */
  maxQueued: number;
  /** Throws WEBHOOK_URL_INVALID for a URL that is not http(s), or private while those are refused. */
  checkWebhookUrl(url: string): Promise<unknown>;
  /**
   * Tells this process's runner a job is waiting, with its request body (nothing when this process
   * does not run jobs).
   */
  accepted(id: string, body: Buffer): void;
}

/**
 * What "the same request" means for an Idempotency-Key: sha256 (hex) of the content type (the
 * multipart boundary included), the Accept header (it picks an image answer's format), the query
 * string and the body, each length-prefixed so that no two requests run together into one hash.
 */
export function requestHash(request: JobRequest): string {
  const hash = createHash('sha256');
  for (const part of [request.contentType, request.accept, request.query, request.body]) {
    hash.update(`${Buffer.byteLength(part)}:`);
    hash.update(part);
  }
  return hash.digest('hex');
}

/**
 * The job queue the routes use (`app.jobs`): a {@link JobStore} with the rules the routes must not
 * repeat: ids (random UUIDs), the request hash, the webhook URL check, the queue limit, the catalogue
 * errors of a missing or unfinished job, and waking this process's runner on a new job.
 */
export class StoreJobQueue implements JobQueue {
  constructor(
    private readonly store: JobStore,
    private readonly options: QueueOptions,
  ) {}

  async submit(request: JobRequest, options: SubmitOptions): Promise<{ job: JobRecord; created: boolean }> {
    if (options.webhook) await this.options.checkWebhookUrl(options.webhook.url);
    const submitted = await this.store.submit(
      {
        id: randomUUID(),
        request,
        webhook: options.webhook,
        idempotencyKey: options.idempotencyKey,
        requestHash: options.idempotencyKey === null ? '' : requestHash(request),
      },
      this.options.maxQueued,
    );
    if (submitted.created) this.options.accepted(submitted.job.id, request.body);
    return submitted;
  }

  async get(id: string): Promise<JobRecord> {
    const job = await this.store.get(id);
    if (!job) throw jobNotFound(id);
    return job;
  }

  list(query: { status?: JobStatus; limit: number; cursor?: string }) {
    return this.store.list(query);
  }

  async result(id: string): Promise<JobResult> {
    const job = await this.get(id);
    if (job.status === 'canceled')
      throw new RocketError('JOB_CANCELED', `Job ${id} was canceled: it has no result`);
    if (!FINISHED.has(job.status)) {
      throw new RocketError('JOB_NOT_FINISHED', `Job ${id} is ${job.status}: its result is not ready yet`);
    }
    const result = await this.store.result(id);
    if (!result) throw jobNotFound(id); // removed (DELETE or retention) between the two reads
    return result;
  }

  cancel(id: string): Promise<JobRecord> {
    return this.store.cancel(id);
  }

  delete(id: string): Promise<void> {
    return this.store.delete(id);
  }
}
