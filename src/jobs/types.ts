/**
 * The job queue's contracts: what a job is, the one JobStore interface that SQLite (DATA_DIR) and
 * PostgreSQL (JOB_STORE) implement, and the webhook outbox rows kept in the same store.
 *
 * A job stores the request exactly as /process would have received it (content type, Accept,
 * query string, body), and its result exactly as /process answered (status, content type, body),
 * so that a job's result equals the synchronous answer by construction.
 */

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

/** Statuses after which a job never changes again (only retention or DELETE remove it). */
export const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'canceled']);

/** The webhook events a job may ask for. */
export type WebhookEvent = 'started' | 'completed' | 'failed';

export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['started', 'completed', 'failed'];

/** An error as a client sees it: a catalogue code and a message. */
export interface JobError {
  code: string;
  message: string;
}

/** What GET /jobs/{id} answers (times are ISO 8601 strings there; epoch milliseconds here). */
export interface JobRecord {
  id: string;
  status: JobStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Times the job has been started (claimed): 0 while first queued. */
  attempts: number;
  error: JobError | null;
  /** True when a cancel was asked while it ran: it ends `canceled` as soon as its inference returns. */
  cancelRequested: boolean;
  webhook: { url: string; events: WebhookEvent[] } | null;
}

/** The request a job replays: what /process would have received. */
export interface JobRequest {
  /** The request's Content-Type header, parameters (the multipart boundary) included. */
  contentType: string;
  /** The Accept header, which picks an image format for image-to-image rockets. */
  accept: string;
  /** The query string without `?` (format, thresholds, family options). */
  query: string;
  body: Buffer;
}

/** What a job answers: what /process answered (an error answer included, for failed jobs). */
export interface JobResult {
  status: number;
  contentType: string;
  body: Buffer;
}

/** A new job, as POST /jobs (or /data/add-job, or Prefer: respond-async) hands it to the store. */
export interface NewJob {
  id: string;
  request: JobRequest;
  webhook: { url: string; events: WebhookEvent[] } | null;
  /** With the hash of the request, makes a repeated submit return the first job. */
  idempotencyKey: string | null;
  /**
   * With an idempotency key, sha256 (hex) of the request (requestHash() in queue.ts): what "the
   * same request" means for a repeat. Without one, '': no later submit compares it, so the body is
   * not hashed.
   */
  requestHash: string;
}

/** The request body of job `id` when the caller still holds it, else undefined. */
export type HeldInput = (id: string) => Buffer | undefined;

/** A claimed job: the worker holding it must renew `leaseToken` before the lease runs out. */
export interface Claim {
  job: JobRecord;
  request: JobRequest;
  /** Proves the claim: renew/finish/release with a token that is no longer current are refused. */
  leaseToken: string;
}

/** How a claimed job ended. */
export type Outcome =
  | { status: 'succeeded'; result: JobResult }
  | { status: 'failed'; error: JobError; result: JobResult }
  | { status: 'canceled' };

/** One webhook delivery (an outbox row), sent until it succeeds, gets 410, or runs out of attempts. */
export interface Delivery {
  /** The `webhook-id` header: the same on every retry. */
  id: string;
  jobId: string;
  event: WebhookEvent;
  url: string;
  /** The JSON body, fixed when the event happened. */
  payload: string;
  attempts: number;
  /** Epoch ms before which it is not tried (backoff). */
  nextAttemptAt: number;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  /** 410, a redirect, a refused address, or out of attempts: never tried again. */
  | { kind: 'abandoned'; reason: string }
  | { kind: 'retry'; at: number; reason: string };

/** The identity a store belongs to; another rocket's store is refused (DATA_DIR_IN_USE). */
export interface StoreOwner {
  rocket: string;
  modelSha256: string;
}

/** Wall-clock milliseconds; injected so retention and leases can be tested under a fake clock. */
export type Clock = () => number;

/**
 * The job store. One interface, two implementations (SQLite in DATA_DIR, PostgreSQL at JOB_STORE),
 * one conformance suite (test/jobs/store-conformance.ts). Every method is atomic: several
 * processes may share one store, and each job is claimed by one worker at a time.
 */
export interface JobStore {
  /**
   * Records the owner on first use; throws DATA_DIR_IN_USE when the store belongs to another
   * rocket (name or model sha256).
   */
  claimOwnership(owner: StoreOwner): Promise<void>;

  /**
   * Adds a queued job. With an idempotency key already used: the same requestHash returns the first
   * job (`created: false`); another throws IDEMPOTENCY_CONFLICT. Throws QUEUE_FULL (Retry-After)
   * when `maxQueued` jobs are queued.
   */
  submit(job: NewJob, maxQueued: number): Promise<{ job: JobRecord; created: boolean }>;

  get(id: string): Promise<JobRecord | undefined>;

  /** Newest first; `cursor` is the opaque `next` of the previous page. */
  list(query: {
    status?: JobStatus;
    limit: number;
    cursor?: string;
  }): Promise<{ jobs: JobRecord[]; next: string | null }>;

  /** The result of a finished job that has one (succeeded or failed), else undefined. */
  result(id: string): Promise<JobResult | undefined>;

  /**
   * Takes the oldest queued job, or a running one whose lease has expired (its worker died), and
   * leases it for `leaseMs`; increments `attempts` and sets `startedAt`. A job whose lease
   * expired after JOB_MAX_ATTEMPTS attempts is failed instead (with its last error, or
   * INFERENCE_FAILED "the worker stopped") and not returned. Queues the `started` delivery when the
   * job's webhook asks for it, in the same transaction. Returns undefined when none is ready.
   * The input is not read back when `heldInput` returns it (this process accepted the job).
   */
  claim(leaseMs: number, maxAttempts: number, heldInput?: HeldInput): Promise<Claim | undefined>;

  /** Extends the lease; false when the token is no longer current (the job was retaken or canceled). */
  renew(id: string, leaseToken: string, leaseMs: number): Promise<boolean>;

  /**
   * Records how a claimed job ended, and queues the webhook delivery its events ask for
   * (`completed` for succeeded, `failed` for failed; none for canceled), in one transaction; the
   * payload is webhookPayload() of the finished record. Resolves with the status recorded; undefined
   * (and nothing changes) when the token is no longer current: the late result of a worker that
   * lost its lease is discarded. A job whose cancel was requested ends `canceled` whatever the
   * outcome (its result discarded, no webhook); so does `release` of such a job.
   */
  finish(id: string, leaseToken: string, outcome: Outcome): Promise<JobStatus | undefined>;

  /** Gives a claimed job back to the queue (SIGTERM), undoing its attempt. False when not current. */
  release(id: string, leaseToken: string): Promise<boolean>;

  /**
   * Cancels a queued job at once; marks a running one `cancelRequested` (its worker ends it
   * `canceled` when its inference returns). Throws JOB_NOT_FOUND, or JOB_NOT_FINISHED when it has
   * already finished.
   */
  cancel(id: string): Promise<JobRecord>;

  /** Deletes a finished job with its input and result. Throws JOB_NOT_FOUND, or JOB_NOT_FINISHED while it is queued or running. */
  delete(id: string): Promise<void>;

  /** Jobs per status, for /metrics and the autoscaler. */
  counts(): Promise<Record<JobStatus, number>>;

  /** Removes jobs that finished before `before` (epoch ms), with their inputs, results and deliveries. Returns how many. */
  purge(before: number): Promise<number>;

  /** Takes the next delivery due by now, for `leaseMs` (so one sender at a time has it); undefined when none. */
  claimDelivery(leaseMs: number): Promise<Delivery | undefined>;

  /** Records one delivery attempt's outcome: removes it, or reschedules it. */
  settleDelivery(id: string, outcome: DeliveryOutcome): Promise<void>;

  close(): Promise<void>;
}

/** What a submit carries besides the request. */
export interface SubmitOptions {
  webhook: { url: string; events: WebhookEvent[] } | null;
  idempotencyKey: string | null;
}

/**
 * The job queue as the HTTP routes see it (`app.jobs` once the rocket is loaded): the store plus
 * what the routes must not repeat (ids, the request hash, webhook URL checks, waking the runner).
 */
export interface JobQueue {
  /** Checks the webhook URL (WEBHOOK_URL_INVALID), stores the job, and wakes the local runner. */
  submit(request: JobRequest, options: SubmitOptions): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord>;
  list(query: { status?: JobStatus; limit: number; cursor?: string }): Promise<{
    jobs: JobRecord[];
    next: string | null;
  }>;
  /** The stored answer; JOB_NOT_FINISHED before the job finished, JOB_CANCELED when canceled. */
  result(id: string): Promise<JobResult>;
  cancel(id: string): Promise<JobRecord>;
  delete(id: string): Promise<void>;
}
