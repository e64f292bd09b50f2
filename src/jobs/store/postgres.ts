import type pg from 'pg';
import { REDACTED, redactUrl } from '../../rocket/redact.js';
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
  type DeliveryRow,
  type Ending,
  ending,
  endingWithoutWebhook,
  expiredLeaseEnding,
  holdsLease,
  type JobRow,
  type NewDelivery,
  resultOf,
  startedDelivery,
  toDelivery,
  toRecord,
} from './lifecycle.js';
import { createPool, firstRow, run, transaction } from './postgres-pool.js';
import { createSchema } from './postgres-schema.js';
import { SQL, type Statement } from './postgres-statements.js';

type Row = JobRow & { result_status: number | null; result_content_type: string | null };
type Client = pg.PoolClient;

/**
 * The shared job store: PostgreSQL at JOB_STORE, for every container of a deployment on any host.
 * Bodies are bytea; claims take rows with `FOR UPDATE SKIP LOCKED`, so concurrent workers never
 * wait for each other or take one job twice; changes to one job lock its row (`FOR UPDATE`).
 */
export class PostgresJobStore implements JobStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
    private readonly clock: Clock,
  ) {}

  /** Connects and creates the schema; JOB_STORE_UNAVAILABLE (password redacted) when it cannot. */
  static async open(url: string, clock: Clock = Date.now): Promise<PostgresJobStore> {
    const where = `JOB_STORE ${redactUrl(url)}`;
    const pool = createPool(url);
    try {
      await createSchema(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw storeUnavailable(
        where,
        redactPassword(err instanceof Error ? err.message : String(err), url),
        err,
      );
    }
    return new PostgresJobStore(pool, where, clock);
  }

  private tx<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return transaction(this.pool, work);
  }

  async claimOwnership(owner: StoreOwner): Promise<void> {
    await run(this.pool, SQL.setOwner, [owner.rocket, owner.modelSha256]);
    const recorded = await firstRow<{ rocket: string; model_sha256: string }>(this.pool, SQL.owner);
    if (recorded && (recorded.rocket !== owner.rocket || recorded.model_sha256 !== owner.modelSha256)) {
      throw storeInUse(this.where, { rocket: recorded.rocket, modelSha256: recorded.model_sha256 }, owner);
    }
  }

  async submit(job: NewJob, maxQueued: number): Promise<{ job: JobRecord; created: boolean }> {
    const { id, request, webhook, idempotencyKey: key, requestHash } = job;
    return this.tx(async (c) => {
      await run(c, SQL.lockSubmits);
      const first = key === null ? undefined : await firstRow<Row>(c, SQL.byIdempotencyKey, [key]);
      if (first && first.request_hash !== requestHash) throw idempotencyConflict(key ?? '');
      if (first) return { job: toRecord(first), created: false };
      const now = this.clock();
      if ((await count(c, SQL.countQueued)) >= maxQueued) {
        throw queueFull(maxQueued, await count(c, SQL.finishedSince, [now - 60_000]));
      }
      const row = await firstRow<Row>(c, SQL.insert, [
        id,
        now,
        webhook?.url ?? null,
        webhook?.events.join(',') ?? null,
        key,
        requestHash,
        request.contentType,
        request.accept,
        request.query,
        request.body,
      ]);
      return { job: toRecord(row as Row), created: true };
    });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await firstRow<Row>(this.pool, SQL.byId, [id]);
    return row && toRecord(row);
  }

  async list(query: { status?: JobStatus; limit: number; cursor?: string }) {
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const { rows } = await run<Row>(this.pool, SQL.list, [before, query.status ?? null, query.limit + 1]);
    const shown = page(rows, query.limit);
    return { jobs: shown.rows.map(toRecord), next: shown.next };
  }

  async result(id: string): Promise<JobResult | undefined> {
    const row = await firstRow<Row & { result_body: Buffer | null }>(this.pool, SQL.result, [id]);
    return row && resultOf(row, row.result_body);
  }

  async claim(leaseMs: number, maxAttempts: number, heldInput?: HeldInput): Promise<Claim | undefined> {
    const now = this.clock();
    return this.tx(async (c) => {
      for (;;) {
        const expired = await firstRow<Row>(c, SQL.takeExpired, [now]);
        const end = expired && expiredLeaseEnding(expired, maxAttempts, now);
        if (expired && end) {
          await this.end(c, expired.id, end);
          continue;
        }
        const row = expired ?? (await firstRow<Row>(c, SQL.takeQueued));
        if (!row) return undefined;
        const next = claimedRow(row, leaseMs, now);
        const leaseToken = next.lease_token as string;
        await run(c, SQL.take, [next.id, next.attempts, next.started_at, leaseToken, next.lease_expires_at]);
        await this.deliver(c, startedDelivery(next, now));
        const { request_content_type: contentType, request_accept: accept, request_query: query } = row;
        const body =
          heldInput?.(row.id) ?? (await firstRow<{ input_body: Buffer }>(c, SQL.input, [row.id]))?.input_body;
        return {
          job: toRecord(next),
          request: { contentType, accept, query, body: body as Buffer },
          leaseToken,
        };
      }
    });
  }

  async renew(id: string, leaseToken: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await run(this.pool, SQL.renew, [this.clock() + leaseMs, id, leaseToken]);
    return rowCount === 1;
  }

  async finish(id: string, leaseToken: string, outcome: Outcome): Promise<JobStatus | undefined> {
    const now = this.clock();
    if (outcome.status !== 'canceled') {
      // Most jobs have no webhook and no cancel asked while they ran: one statement ends them,
      // where reading the row first under its lock takes four (BEGIN, SELECT, UPDATE, COMMIT).
      const end = endingWithoutWebhook(outcome, now);
      const { rowCount } = await run(this.pool, SQL.endLeasedWithoutWebhook, [
        ...endValues(id, end),
        leaseToken,
      ]);
      if (rowCount === 1) return end.status;
    }
    return this.tx(async (c) => {
      const row = await firstRow<Row>(c, SQL.byIdForUpdate, [id]);
      if (!holdsLease(row, leaseToken)) return undefined;
      const end = ending(row, outcome, now);
      await this.end(c, id, end);
      return end.status;
    });
  }

  async release(id: string, leaseToken: string): Promise<boolean> {
    const now = this.clock();
    return this.tx(async (c) => {
      const row = await firstRow<Row>(c, SQL.byIdForUpdate, [id]);
      if (!holdsLease(row, leaseToken)) return false;
      if (row.cancel_requested) await this.end(c, id, ending(row, { status: 'canceled' }, now));
      else await run(c, SQL.requeue, [id]);
      return true;
    });
  }

  async cancel(id: string): Promise<JobRecord> {
    const now = this.clock();
    return this.tx(async (c) => {
      const row = await firstRow<Row>(c, SQL.byIdForUpdate, [id]);
      if (!row) throw jobNotFound(id);
      if (FINISHED.has(row.status)) throw jobNotFinished(id, row.status, 'cancel');
      if (row.status === 'queued') await this.end(c, id, ending(row, { status: 'canceled' }, now));
      else await run(c, SQL.requestCancel, [id]);
      return toRecord((await firstRow<Row>(c, SQL.byId, [id])) as Row);
    });
  }

  async delete(id: string): Promise<void> {
    // The job's webhook deliveries stay: their payloads are fixed, and they are still sent.
    await this.tx(async (c) => {
      const row = await firstRow<Row>(c, SQL.byIdForUpdate, [id]);
      if (!row) throw jobNotFound(id);
      if (!FINISHED.has(row.status)) throw jobNotFinished(id, row.status, 'delete');
      await run(c, SQL.deleteJob, [id]);
    });
  }

  async counts(): Promise<Record<JobStatus, number>> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    const { rows } = await run<{ status: JobStatus; n: number }>(this.pool, SQL.counts);
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  purge(before: number): Promise<number> {
    return count(this.pool, SQL.purge, [before]);
  }

  async claimDelivery(leaseMs: number): Promise<Delivery | undefined> {
    const now = this.clock();
    const row = await firstRow<DeliveryRow>(this.pool, SQL.claimDelivery, [now, now + leaseMs]);
    return row && toDelivery(row);
  }

  async settleDelivery(id: string, outcome: DeliveryOutcome): Promise<void> {
    if (outcome.kind === 'retry') await run(this.pool, SQL.retryDelivery, [outcome.at, id]);
    else await run(this.pool, SQL.deleteDelivery, [id]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Writes how a job ended, in the caller's transaction: its result kept, its input dropped. */
  private async end(c: Client, id: string, end: Ending): Promise<void> {
    await run(c, SQL.end, endValues(id, end));
    await this.deliver(c, end.delivery);
  }

  private async deliver(c: Client, d: NewDelivery | null): Promise<void> {
    if (d) await run(c, SQL.insertDelivery, [d.id, d.jobId, d.event, d.url, d.payload, d.nextAttemptAt]);
  }
}

/** The values of SQL.end ($1 to $8) for job `id` ending as `end`. */
function endValues(id: string, { status, finishedAt, error, result }: Ending): unknown[] {
  return [
    id,
    status,
    finishedAt,
    error?.code ?? null,
    error?.message ?? null,
    result?.status ?? null,
    result?.contentType ?? null,
    result?.body ?? null,
  ];
}

/** The `n` a counting statement answers. */
async function count(db: pg.Pool | Client, statement: Statement, values: unknown[] = []): Promise<number> {
  return (await firstRow<{ n: number }>(db, statement, values))?.n ?? 0;
}

/** `message` without the URL's password, which pg's errors could quote. */
function redactPassword(message: string, url: string): string {
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  return password ? message.replaceAll(password, REDACTED) : message;
}
