import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  type Claim,
  type Clock,
  type Delivery,
  type DeliveryOutcome,
  FINISHED,
  type HeldInput,
  JOB_STATUSES,
  type JobRecord,
  type JobResult,
  type JobStatus,
  type JobStore,
  type NewJob,
  type Outcome,
  type StoreOwner,
} from '../types.js';
import { BlobFiles } from './blob-files.js';
import { decodeCursor, page } from './cursor.js';
import {
  idempotencyConflict,
  jobNotFinished,
  jobNotFound,
  queueFull,
  storeInUse,
  storeUnavailable,
} from './errors.js';
import {
  claimedRow,
  type Ending,
  ending,
  expiredLeaseEnding,
  holdsLease,
  type NewDelivery,
  resultOf,
  startedDelivery,
  toDelivery,
  toRecord,
} from './lifecycle.js';
import { DATABASE_FILE, openDatabase } from './sqlite-schema.js';
import { prepareStatements, type SqliteJobRow, type Statements } from './sqlite-statements.js';

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The embedded job store: SQLite (better-sqlite3) in DATA_DIR for the rows, files beside it for
 * request bodies and results (blob-files.ts). Every change is one `BEGIN IMMEDIATE` transaction,
 * so processes on one host that share DATA_DIR take each job once; the transactions touch a few
 * small rows, and bodies are read and written asynchronously outside them.
 */
export class SqliteJobStore implements JobStore {
  private readonly sql: Statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly blobs: BlobFiles,
    private readonly where: string,
    private readonly clock: Clock,
  ) {
    this.sql = prepareStatements(db);
  }

  /** Opens (creating) the store in `dataDir`; JOB_STORE_UNAVAILABLE, with the reason, when it cannot. */
  static open(dataDir: string, clock: Clock = Date.now): SqliteJobStore {
    const where = `DATA_DIR ${dataDir}`;
    let blobs: BlobFiles;
    try {
      blobs = new BlobFiles(dataDir);
    } catch (err) {
      throw storeUnavailable(where, `the folder cannot be created or written (${reason(err)})`, err);
    }
    try {
      return new SqliteJobStore(openDatabase(join(dataDir, DATABASE_FILE)), blobs, where, clock);
    } catch (err) {
      throw storeUnavailable(where, `its database ${DATABASE_FILE} cannot be opened (${reason(err)})`, err);
    }
  }

  private tx<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  async claimOwnership(owner: StoreOwner): Promise<void> {
    this.tx(() => {
      const recorded = this.sql.owner.get();
      if (!recorded) this.sql.setOwner.run(owner.rocket, owner.modelSha256);
      else if (recorded.rocket !== owner.rocket || recorded.model_sha256 !== owner.modelSha256) {
        throw storeInUse(this.where, { rocket: recorded.rocket, modelSha256: recorded.model_sha256 }, owner);
      }
    });
  }

  async submit(job: NewJob, maxQueued: number): Promise<{ job: JobRecord; created: boolean }> {
    const inputFile = await this.blobs.write('inputs', job.request.body);
    let submitted: { job: JobRecord; created: boolean };
    try {
      submitted = this.tx(() => {
        const first =
          job.idempotencyKey === null ? undefined : this.sql.byIdempotencyKey.get(job.idempotencyKey);
        if (first && first.request_hash !== job.requestHash)
          throw idempotencyConflict(job.idempotencyKey ?? '');
        if (first) return { job: toRecord(first), created: false };
        const now = this.clock();
        if ((this.sql.countStatus.get('queued')?.n ?? 0) >= maxQueued) {
          throw queueFull(maxQueued, this.sql.finishedSince.get(now - 60_000)?.n ?? 0);
        }
        this.sql.insert.run({
          id: job.id,
          createdAt: now,
          webhookUrl: job.webhook?.url ?? null,
          webhookEvents: job.webhook?.events.join(',') ?? null,
          idempotencyKey: job.idempotencyKey,
          requestHash: job.requestHash,
          contentType: job.request.contentType,
          accept: job.request.accept,
          query: job.request.query,
          inputFile,
        });
        return { job: toRecord(this.row(job.id)), created: true };
      });
    } catch (err) {
      await this.blobs.remove([inputFile]);
      throw err;
    }
    if (!submitted.created) await this.blobs.remove([inputFile]);
    return submitted;
  }

  private row(id: string): SqliteJobRow {
    const row = this.sql.byId.get(id);
    if (!row) throw jobNotFound(id);
    return row;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.sql.byId.get(id);
    return row && toRecord(row);
  }

  async list(query: { status?: JobStatus; limit: number; cursor?: string }) {
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const rows = query.status
      ? this.sql.listStatus.all(query.status, before, query.limit + 1)
      : this.sql.listAll.all(before, query.limit + 1);
    const shown = page(rows, query.limit);
    return { jobs: shown.rows.map(toRecord), next: shown.next };
  }

  async result(id: string): Promise<JobResult | undefined> {
    const row = this.sql.byId.get(id);
    if (!row) return undefined;
    const body = row.result_file === null ? null : await this.blobs.read(row.result_file).catch(gone);
    return resultOf(row, body);
  }

  async claim(leaseMs: number, maxAttempts: number, heldInput?: HeldInput): Promise<Claim | undefined> {
    const now = this.clock();
    const ended: (string | null)[] = [];
    const claimed = this.tx(() => {
      for (;;) {
        const expired = this.sql.expiredLease.get(now);
        const end = expired && expiredLeaseEnding(expired, maxAttempts, now);
        if (expired && end) {
          this.end(expired, end, null);
          ended.push(expired.input_file);
          continue;
        }
        const row = expired ?? this.sql.oldestQueued.get();
        if (!row) return undefined;
        const next = claimedRow(row, leaseMs, now);
        const { id, attempts, started_at, lease_token, lease_expires_at } = next;
        this.sql.take.run({ id, attempts, started_at, lease_token, lease_expires_at });
        this.deliver(startedDelivery(next, now));
        return next;
      }
    });
    await this.blobs.remove(ended);
    if (!claimed?.lease_token || claimed.input_file === null) return undefined;
    const { request_content_type: contentType, request_accept: accept, request_query: query } = claimed;
    const body = heldInput?.(claimed.id) ?? (await this.blobs.read(claimed.input_file));
    return {
      job: toRecord(claimed),
      request: { contentType, accept, query, body },
      leaseToken: claimed.lease_token,
    };
  }

  async renew(id: string, leaseToken: string, leaseMs: number): Promise<boolean> {
    return this.sql.renew.run(this.clock() + leaseMs, id, leaseToken).changes === 1;
  }

  async finish(id: string, leaseToken: string, outcome: Outcome): Promise<JobStatus | undefined> {
    const now = this.clock();
    const seen = this.sql.byId.get(id);
    if (!holdsLease(seen, leaseToken)) return undefined;
    let end = ending(seen, outcome, now);
    const resultFile = end.result ? await this.blobs.write('results', end.result.body) : null;
    const finished = this.tx(() => {
      const row = this.sql.byId.get(id);
      if (!holdsLease(row, leaseToken)) return undefined;
      // A cancel asked between the first read and this transaction changes how the job ends.
      if (Boolean(row.cancel_requested) !== Boolean(seen.cancel_requested)) end = ending(row, outcome, now);
      this.end(row, end, end.result ? resultFile : null);
      return row;
    });
    await this.blobs.remove(finished ? [finished.input_file, end.result ? null : resultFile] : [resultFile]);
    return finished ? end.status : undefined;
  }

  async release(id: string, leaseToken: string): Promise<boolean> {
    const now = this.clock();
    const released = this.tx(() => {
      const row = this.sql.byId.get(id);
      if (!holdsLease(row, leaseToken)) return undefined;
      if (row.cancel_requested) this.end(row, ending(row, { status: 'canceled' }, now), null);
      else this.sql.requeue.run(id);
      return row;
    });
    if (released?.cancel_requested) await this.blobs.remove([released.input_file]);
    return released !== undefined;
  }

  async cancel(id: string): Promise<JobRecord> {
    const now = this.clock();
    const canceled = this.tx(() => {
      const row = this.row(id);
      if (FINISHED.has(row.status)) throw jobNotFinished(id, row.status, 'cancel');
      if (row.status === 'queued') this.end(row, ending(row, { status: 'canceled' }, now), null);
      else this.sql.requestCancel.run(id);
      return { job: toRecord(this.row(id)), inputFile: row.status === 'queued' ? row.input_file : null };
    });
    await this.blobs.remove([canceled.inputFile]);
    return canceled.job;
  }

  async delete(id: string): Promise<void> {
    // The job's webhook deliveries stay: their payloads are fixed, and they are still sent.
    const row = this.tx(() => {
      const row = this.row(id);
      if (!FINISHED.has(row.status)) throw jobNotFinished(id, row.status, 'delete');
      this.sql.deleteJob.run(id);
      return row;
    });
    await this.blobs.remove([row.input_file, row.result_file]);
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const { status, n } of this.sql.counts.all()) counts[status as JobStatus] = n;
    return counts;
  }

  async purge(before: number): Promise<number> {
    const purged = this.tx(() => {
      const rows = this.sql.finishedBefore.all(before);
      this.sql.purgeDeliveries.run(before);
      this.sql.purgeJobs.run(before);
      return rows;
    });
    await this.blobs.remove(purged.flatMap((r) => [r.input_file, r.result_file]));
    // Files a process wrote just before it died, before the commit that would have named them.
    await this.blobs.remove(
      await this.blobs.orphans(before, (f) => this.sql.fileKept.get(f, f) !== undefined),
    );
    return purged.length;
  }

  async claimDelivery(leaseMs: number): Promise<Delivery | undefined> {
    const now = this.clock();
    return this.tx(() => {
      const row = this.sql.dueDelivery.get(now, now);
      if (row) this.sql.leaseDelivery.run(now + leaseMs, row.id);
      return row && toDelivery(row);
    });
  }

  async settleDelivery(id: string, outcome: DeliveryOutcome): Promise<void> {
    if (outcome.kind === 'retry') this.sql.retryDelivery.run(outcome.at, id);
    else this.sql.deleteDelivery.run(id);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** Writes how `row` ended (inside a transaction); `resultFile` holds `end.result`'s body. */
  private end(row: SqliteJobRow, end: Ending, resultFile: string | null): void {
    this.sql.end.run({
      id: row.id,
      status: end.status,
      finishedAt: end.finishedAt,
      errorCode: end.error?.code ?? null,
      errorMessage: end.error?.message ?? null,
      resultStatus: end.result?.status ?? null,
      resultContentType: end.result?.contentType ?? null,
      resultFile,
    });
    this.deliver(end.delivery);
  }

  private deliver(delivery: NewDelivery | null): void {
    if (delivery) this.sql.insertDelivery.run({ ...delivery });
  }
}

/** A body file removed meanwhile (the job was deleted or purged): no result. */
function gone(err: NodeJS.ErrnoException): null {
  if (err.code === 'ENOENT') return null;
  throw err;
}
