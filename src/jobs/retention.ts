import { exceptionFields, type Logger } from '../log.js';
import type { Clock, JobStore } from './types.js';

/** How often finished jobs past their retention are looked for. */
const PURGE_EVERY_MS = 10 * 60 * 1000;

/**
 * Removes the jobs that finished more than JOB_RETENTION_H ago, with their inputs, results and
 * deliveries: once at start, then every 10 minutes. Several processes sharing one store may all
 * run it; a purge removes only what is past its time. The clock is injected for tests.
 */
export class Retention {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: JobStore,
    private readonly retentionMs: number,
    private readonly log: Logger,
    private readonly clock: Clock = Date.now,
  ) {}

  /** Removes now what is past its retention; resolves with how many jobs went. */
  async purge(): Promise<number> {
    const removed = await this.store.purge(this.clock() - this.retentionMs);
    if (removed > 0) this.log.info('finished jobs past JOB_RETENTION_H removed', { jobs: removed });
    return removed;
  }

  /** Purges now and then every `everyMs`, until stop(). */
  start(everyMs = PURGE_EVERY_MS): void {
    const run = () =>
      this.purge().catch((err: unknown) =>
        this.log.error('removing old jobs failed; trying again later', exceptionFields(err)),
      );
    void run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
