import { RocketError } from '../errors.js';
import type { JobQueue, JobRecord, JobRequest, JobResult, JobStatus, SubmitOptions } from './types.js';

/**
 * The job queue while it opens: the store opens once the rocket is loaded, so a request for a job
 * that comes first (during a cold start, or just after readiness) waits for it, up to `waitMs`
 * (STARTUP_WAIT_S) like a model request, then gets 503 NOT_READY (Retry-After); so does every
 * request if the queue failed to open. Once open, each call goes straight to the queue. This
 * module imports nothing of the store, so it costs nothing on the cold-start path.
 */
export class OpeningJobQueue implements JobQueue {
  private open?: JobQueue;
  private failed = false;

  constructor(
    private readonly opening: Promise<JobQueue>,
    private readonly waitMs: number,
  ) {
    opening.then(
      (queue) => {
        this.open = queue;
      },
      () => {
        this.failed = true;
      },
    );
  }

  async submit(request: JobRequest, options: SubmitOptions): Promise<{ job: JobRecord; created: boolean }> {
    return (await this.queue()).submit(request, options);
  }

  async get(id: string): Promise<JobRecord> {
    return (await this.queue()).get(id);
  }

  async list(query: { status?: JobStatus; limit: number; cursor?: string }) {
    return (await this.queue()).list(query);
  }

  async result(id: string): Promise<JobResult> {
    return (await this.queue()).result(id);
  }

  async cancel(id: string): Promise<JobRecord> {
    return (await this.queue()).cancel(id);
  }

  async delete(id: string): Promise<void> {
    return (await this.queue()).delete(id);
  }

  /** The open queue, once it is; NOT_READY after `waitMs`, or when it failed to open. */
  private async queue(): Promise<JobQueue> {
    if (this.open) return this.open;
    if (this.failed) throw failedToOpen();
    let timer: NodeJS.Timeout | undefined;
    const stillOpening = notReady('The job queue is still opening; retry shortly');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(stillOpening), this.waitMs);
    });
    try {
      return await Promise.race([this.opening, timeout]);
    } catch (err) {
      throw err === stillOpening ? err : failedToOpen();
    } finally {
      clearTimeout(timer);
    }
  }
}

const notReady = (message: string) => new RocketError('NOT_READY', message);
const failedToOpen = () => notReady('The job queue failed to open; see the server log');
