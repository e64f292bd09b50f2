import { z } from 'zod';
import type { RocketApp } from '../../app.js';
import { expected, RocketError } from '../../errors.js';
import { jobJson } from '../../jobs/job-json.js';
import { readSubmission } from '../../jobs/submission.js';
import { JOBS_FIELDS, type SubmitFields } from '../../jobs/submit-form.js';
import { JOB_STATUSES, type JobQueue, type JobRecord, type JobStatus } from '../../jobs/types.js';
import { headerValue, type Route, type RouteContext, sendBody, sendJson } from '../route.js';

/**
 * The app's job queue. NOT_READY (503, Retry-After) until it is open: it opens once the rocket has
 * loaded, under `rocket serve` and `rocket worker` (the functions-framework target and Lambda keep
 * no jobs).
 */
export function queueOf(app: RocketApp): JobQueue {
  if (app.jobs) return app.jobs;
  throw new RocketError(
    'NOT_READY',
    'The job queue is not open: it opens once the rocket has loaded, under rocket serve (functions-framework and Lambda keep no jobs)',
  );
}

/**
 * Reads a submission and queues it: held while the rocket loads (up to STARTUP_WAIT_S, like the
 * model routes), refused with NOT_READY during a drain. An Idempotency-Key already used for the
 * same request returns the first job (`created: false`).
 */
export async function submitJob(
  ctx: RouteContext,
  fields: SubmitFields = JOBS_FIELDS,
): Promise<{ job: JobRecord; created: boolean }> {
  await ctx.app.awaitAcceptingWork(ctx.app.config.STARTUP_WAIT_S * 1000, ctx.signal);
  const queue = queueOf(ctx.app); // before the body is read: none under functions-framework
  const { request, options } = await readSubmission(ctx, fields);
  return queue.submit(request, options);
}

/**
 * Answers a submit: 202 Accepted with `Location: /jobs/{id}` and the job; an idempotent repeat
 * answers 200 with the job it made first (and the same Location).
 */
export function answerSubmitted(
  { res }: RouteContext,
  { job, created }: { job: JobRecord; created: boolean },
  headers: Record<string, string> = {},
): void {
  sendJson(res, created ? 202 : 200, jobJson(job), { location: `/jobs/${job.id}`, ...headers });
}

/** True when the request asks `Prefer: respond-async` (RFC 7240): POST /process then makes a job. */
export function prefersRespondAsync(ctx: RouteContext): boolean {
  const prefer = headerValue(ctx.req.headers, 'prefer') ?? '';
  return prefer.split(',').some((p) => p.split(';')[0]?.trim().toLowerCase() === 'respond-async');
}

/** The query parameters of GET /jobs: their schemas, what they expect in words, and their docs. */
export const listJobsQuery = {
  status: {
    schema: z.enum(JOB_STATUSES as [JobStatus, ...JobStatus[]]),
    what: `one of ${JOB_STATUSES.join(', ')}`,
    doc: 'Only the jobs with this status.',
  },
  limit: {
    schema: z.coerce.number().int().min(1).max(1000),
    what: 'an integer from 1 to 1000',
    doc: 'Jobs in one page (default 100).',
  },
  cursor: {
    schema: z.string().min(1),
    what: 'the `next` of the previous page',
    doc: 'Where the page starts: the `next` of the previous page.',
  },
} as const;

/** GET /jobs's query: unknown names, repeated names and bad values give 400 naming the parameter. */
function parseListQuery(search: URLSearchParams): { status?: JobStatus; limit: number; cursor?: string } {
  const out: Record<string, unknown> = { limit: 100 };
  for (const name of new Set(search.keys())) {
    if (!Object.hasOwn(listJobsQuery, name)) {
      throw new RocketError(
        'UNKNOWN_PARAMETER',
        `Unknown query parameter "${name}"; accepted: ${Object.keys(listJobsQuery).join(', ')}`,
      );
    }
    const param = listJobsQuery[name as keyof typeof listJobsQuery];
    const values = search.getAll(name);
    const parsed = param.schema.safeParse(values[0]);
    if (values.length > 1 || !parsed.success) {
      throw new RocketError(
        'INVALID_PARAMETER',
        expected(param.what, name, values.length > 1 ? values : values[0]),
      );
    }
    out[name] = parsed.data;
  }
  return out as { status?: JobStatus; limit: number; cursor?: string };
}

const idOf = (ctx: RouteContext) => ctx.params.id ?? '';

/**
 * The job API: submit now, collect later. Every route is `cheap` (API key, never queued behind
 * inference): a submit reads the body and writes one row, whatever the model is doing, so a client
 * is never kept waiting by the work the queue exists to defer; MAX_JOBS_QUEUED bounds the queue
 * (429 QUEUE_FULL) as MAX_QUEUE bounds synchronous requests.
 */
export const jobsRoutes: Route[] = [
  {
    method: 'POST',
    path: '/jobs',
    kind: 'cheap',
    async handler(ctx) {
      answerSubmitted(ctx, await submitJob(ctx));
    },
  },
  {
    method: 'GET',
    path: '/jobs',
    kind: 'cheap',
    async handler({ res, url, app }) {
      const { jobs, next } = await queueOf(app).list(parseListQuery(url.searchParams));
      sendJson(res, 200, { jobs: jobs.map(jobJson), next });
    },
  },
  {
    method: 'GET',
    path: '/jobs/{id}',
    kind: 'cheap',
    async handler(ctx) {
      sendJson(ctx.res, 200, jobJson(await queueOf(ctx.app).get(idOf(ctx))));
    },
  },
  {
    // What POST /process answered: its status, content type and body (an error answer for a failed job).
    method: 'GET',
    path: '/jobs/{id}/result',
    kind: 'cheap',
    async handler(ctx) {
      const result = await queueOf(ctx.app).result(idOf(ctx));
      sendBody(ctx.res, result.status, result.body, { 'content-type': result.contentType });
    },
  },
  {
    // 200 once canceled; 202 while it still runs (it ends canceled when its inference returns).
    method: 'POST',
    path: '/jobs/{id}/cancel',
    kind: 'cheap',
    async handler(ctx) {
      const job = await queueOf(ctx.app).cancel(idOf(ctx));
      sendJson(ctx.res, job.status === 'canceled' ? 200 : 202, jobJson(job));
    },
  },
  {
    method: 'DELETE',
    path: '/jobs/{id}',
    kind: 'cheap',
    async handler(ctx) {
      await queueOf(ctx.app).delete(idOf(ctx));
      ctx.res.writeHead(204);
      ctx.res.end();
    },
  },
];
