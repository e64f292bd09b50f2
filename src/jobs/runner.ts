import { exceptionFields, type Logger } from '../log.js';
import type { Ticket } from '../serving/admission.js';
import { HeldInputs } from './held-inputs.js';
import { Lease } from './lease.js';
import type { Replayed } from './replay.js';
import type { Claim, JobRecord, JobRequest, JobStatus, JobStore, Outcome } from './types.js';

/** What a {@link JobRunner} works with. */
export interface RunnerDeps {
  store: JobStore;
  /** A processing slot for one job (the admission's background lane), or undefined while none is spare. */
  slot(): Ticket | undefined;
  /** Runs a job's request as POST /process would ({@link replay}); never rejects for a bad input. */
  run(request: JobRequest, signal: AbortSignal): Promise<Replayed>;
  log: Logger;
  /** Told when this runner claimed `job` (the store may have queued its `started` webhook). */
  onStarted?(job: JobRecord): void;
  /** Told when `job`, which this runner ran, was recorded as finished, with its run time in seconds. */
  onFinished?(job: JobRecord, status: JobStatus, seconds: number): void;
}

/** How a {@link JobRunner} holds and looks for jobs. */
export interface RunnerSettings {
  /** JOB_LEASE_S in ms: renewed every third of it. */
  leaseMs: number;
  /** JOB_MAX_ATTEMPTS. */
  maxAttempts: number;
  /** How often the store is asked for work while none was found (other processes' jobs, expired leases). */
  idlePollMs?: number;
  /** How soon a slot is looked for again while synchronous requests hold every spare one. */
  busyPollMs?: number;
}

/** How many bytes of inputs of jobs submitted here a runner keeps in memory (docs/operations.md). */
const HELD_INPUT_BYTES = 64 * 2 ** 20;

/** One job this runner holds. */
interface Held {
  lease: Lease;
  /** Set by stop() when it gave the job back: the end of its run is ignored. */
  released: boolean;
  done: Promise<void>;
}

/**
 * Works the job queue in this process: claims a job whenever the admission control has a spare
 * slot (synchronous requests first), holds its {@link Lease} (renewed every third of JOB_LEASE_S),
 * runs it as POST /process would, and records its outcome. A job whose cancel was asked ends
 * `canceled` when its inference returns; the result of a job whose lease was lost (it was retaken)
 * is refused by the store and logged. stop() claims no more, lets running jobs finish within a
 * grace period and gives the rest back to the queue.
 */
export class JobRunner {
  private readonly held = new Map<string, Held>();
  /** Inputs of the jobs submitted here, so that a claim here need not read them back. */
  private readonly inputs = new HeldInputs(HELD_INPUT_BYTES);
  private readonly idlePollMs: number;
  private readonly busyPollMs: number;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private pumping?: Promise<void>;
  private again = false;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly settings: RunnerSettings,
  ) {
    this.idlePollMs = settings.idlePollMs ?? 500;
    this.busyPollMs = settings.busyPollMs ?? 25;
  }

  /** A job was submitted here: keeps its input for when this runner claims it, and looks for work. */
  accepted(id: string, body: Buffer): void {
    if (this.stopping) return;
    this.inputs.keep(id, body);
    this.wake();
  }

  /** Looks for work now: a job was submitted elsewhere, or a slot came free. */
  wake(): void {
    if (this.stopping) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /**
   * Claims no more jobs, waits up to `graceMs` for the running ones, then gives the rest back to
   * the queue (their attempt undone). Resolves true when every running job finished in time.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.pumping;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all([...this.held.values()].map((h) => h.done)), grace]);
    clearTimeout(timer);
    const left = [...this.held.values()];
    for (const job of left) {
      job.released = true;
      job.lease.end(true);
    }
    await Promise.all(left.map((job) => this.giveBack(job.lease.claim)));
    return left.length === 0;
  }

  /** Claims jobs while slots are spare and the store has work; then looks again later. */
  private async pump(): Promise<void> {
    while (!this.stopping) {
      const ticket = this.deps.slot();
      if (!ticket) return this.later(this.busyPollMs);
      let claim: Claim | undefined;
      try {
        claim = await this.deps.store.claim(this.settings.leaseMs, this.settings.maxAttempts, (id) =>
          this.inputs.take(id),
        );
      } catch (err) {
        ticket.release();
        this.deps.log.error('claiming a job failed; trying again', exceptionFields(err));
        return this.later(this.idlePollMs);
      }
      if (!claim) {
        ticket.release();
        return this.later(this.idlePollMs);
      }
      // Held even when stop() began meanwhile: stop() waits for this pump, then treats it like
      // every running job (it finishes within the grace, or goes back to the queue).
      this.hold(claim, ticket);
      this.deps.onStarted?.(claim.job);
    }
  }

  private later(ms: number): void {
    clearTimeout(this.timer);
    if (!this.stopping) this.timer = setTimeout(() => this.wake(), ms);
  }

  /** Runs a claimed job in its slot, renewing its lease until it ends. */
  private hold(claim: Claim, ticket: Ticket): void {
    const id = claim.job.id;
    const lease = new Lease(claim, this.deps.store, this.settings.leaseMs, this.deps.log);
    const job: Held = { lease, released: false, done: Promise.resolve() };
    this.held.set(id, job);
    job.done = this.execute(job, ticket)
      .catch((err: unknown) => {
        // Left to its lease: it is taken again, up to JOB_MAX_ATTEMPTS.
        this.deps.log.error('a job run failed unexpectedly', { jobId: id, ...exceptionFields(err) });
      })
      .finally(() => {
        lease.end();
        ticket.release();
        this.held.delete(id);
        this.wake();
      });
  }

  private async execute(job: Held, ticket: Ticket): Promise<void> {
    const { lease } = job;
    const { job: record, request, leaseToken } = lease.claim;
    const started = performance.now();
    const { result, error } = await this.deps.run(request, lease.signal);
    // The slot is free once the run returns: the next job starts while this one is recorded.
    ticket.release();
    this.wake();
    if (job.released) return;
    const outcome: Outcome = lease.cancelRequested
      ? { status: 'canceled' }
      : error
        ? { status: 'failed', error, result }
        : { status: 'succeeded', result };
    const seconds = (performance.now() - started) / 1000;
    const fields = { jobId: record.id, attempt: record.attempts, durationS: seconds };
    // The store records a job whose cancel was asked meanwhile as canceled, whatever it is told.
    const status = await this.deps.store.finish(record.id, leaseToken, outcome);
    if (!status) {
      this.deps.log.warn('job result discarded: its lease was lost and the job taken again', {
        ...fields,
        status: outcome.status,
      });
      return;
    }
    this.deps.onFinished?.(record, status, seconds);
    this.deps.log.info(
      `job ${status}`,
      status === 'failed' && error ? { ...fields, status, code: error.code } : { ...fields, status },
    );
  }

  /** Gives a claimed job back to the queue (its attempt undone); logs when the store refuses. */
  private async giveBack(claim: Claim): Promise<void> {
    try {
      const released = await this.deps.store.release(claim.job.id, claim.leaseToken);
      if (released) this.deps.log.info('job given back to the queue', { jobId: claim.job.id });
    } catch (err) {
      this.deps.log.error('giving a job back failed; it is taken again when its lease expires', {
        jobId: claim.job.id,
        ...exceptionFields(err),
      });
    }
  }
}
