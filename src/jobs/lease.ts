import { exceptionFields, type Logger } from '../log.js';
import type { Claim, JobStore } from './types.js';

/**
 * The lease of one claimed job, held while it runs: renewed every third of its length, so the job
 * is never taken again while its worker lives. `signal` aborts (so a run still waiting for an
 * inference worker leaves the pool's queue) when the lease is lost (the job was retaken after this
 * process missed its renewals: the store will refuse its result), when a cancel of the job is seen
 * at a renewal (asked through any process of the store), or on {@link Lease.end} with `abort`.
 */
export class Lease {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** True once a renewal saw the job's cancel requested. */
  cancelRequested = false;

  constructor(
    readonly claim: Claim,
    private readonly store: Pick<JobStore, 'renew' | 'get'>,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.renew(), leaseMs / 3);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops renewing; with `abort`, also aborts the run. */
  end(abort = false): void {
    clearInterval(this.timer);
    if (abort) this.controller.abort();
  }

  private async renew(): Promise<void> {
    const { job, leaseToken } = this.claim;
    try {
      if (!(await this.store.renew(job.id, leaseToken, this.leaseMs))) {
        this.end(true); // retaken: finish() will refuse this process's result
        return;
      }
      if (!this.cancelRequested && (await this.store.get(job.id))?.cancelRequested) {
        this.cancelRequested = true;
        this.controller.abort();
      }
    } catch (err) {
      this.log.warn('renewing a job lease failed; trying again at the next renewal', {
        jobId: job.id,
        ...exceptionFields(err),
      });
    }
  }
}
