import { ERROR_CATALOGUE, RocketError } from '../../errors.js';
import { supportedMimeTypes } from '../../jobs/submission.js';
import { ADD_JOB_FIELDS } from '../../jobs/submit-form.js';
import type { JobRecord, JobResult } from '../../jobs/types.js';
import type { ErrorProtocol } from '../error-response.js';
import { type Route, type RouteContext, sendBody, sendJson } from '../route.js';
import { queueOf, submitJob } from './jobs.js';

/**
 * The compatible job routes (`/data/...`), answering as the model containers rocketserve replaces:
 * every JSON answer is `{"data": …, "isError": false, "errorMessage": null}`, every error
 * `{"data": null, "isError": true, "errorMessage": "<message>"}` with the catalogue's status and
 * its code in `X-Error-Code`.
 */
export const DATA_ERRORS: ErrorProtocol = {
  body: ({ message }) => ({ data: null, isError: true, errorMessage: message }),
  codeHeader: 'x-error-code',
};

/** A job's status as those containers name it; a canceled job reads as `Error`. */
export const COMPAT_STATUS = {
  queued: 'Created',
  running: 'InProgress',
  succeeded: 'Complete',
  failed: 'Error',
  canceled: 'Error',
} as const satisfies Record<JobRecord['status'], string>;

const wrapped = (data: unknown) => ({ data, isError: false, errorMessage: null });

/** `{id, status, errorMessage}`: what add-job, status and delete answer in `data`. */
function jobData(job: JobRecord) {
  const errorMessage =
    job.status === 'canceled'
      ? 'The job was canceled'
      : job.status === 'failed'
        ? (job.error?.message ?? null)
        : null;
  return { id: job.id, status: COMPAT_STATUS[job.status], errorMessage };
}

/** A failed job's stored answer (`{"error": {code, message}}`) as the error it reports. */
function storedError(result: JobResult): RocketError {
  let error: { code?: string; message?: string } = {};
  try {
    error = (JSON.parse(result.body.toString('utf8')) as { error?: typeof error }).error ?? {};
  } catch {}
  const code = (
    error.code && Object.hasOwn(ERROR_CATALOGUE, error.code) ? error.code : 'INFERENCE_FAILED'
  ) as keyof typeof ERROR_CATALOGUE;
  return new RocketError(code, error.message ?? 'The job failed');
}

/** A finished job's stored result, or its error (JOB_NOT_FINISHED, JOB_CANCELED, the failure). */
async function resultOf(ctx: RouteContext): Promise<JobResult> {
  const result = await queueOf(ctx.app).result(ctx.params.id ?? '');
  if (result.status >= 400) throw storedError(result);
  return result;
}

const isJson = (type: string) => /^application\/(.+\+)?json\b/.test(type);

/** POST /data/add-job and the routes that follow a job it made; all `cheap`, as /jobs. */
export const dataRoutes: Route[] = [
  {
    method: 'POST',
    path: '/data/add-job',
    kind: 'cheap',
    handler: async (ctx) => {
      const { job } = await submitJob(ctx, ADD_JOB_FIELDS);
      sendJson(ctx.res, 200, wrapped(jobData(job)), { location: `/jobs/${job.id}` });
    },
  },
  {
    method: 'GET',
    path: '/data/status/{id}',
    kind: 'cheap',
    handler: async (ctx) => {
      sendJson(ctx.res, 200, wrapped(jobData(await queueOf(ctx.app).get(ctx.params.id ?? ''))));
    },
  },
  {
    // The result as it is: the JSON or image /process answered.
    method: 'GET',
    path: '/data/result/{id}',
    kind: 'cheap',
    handler: async (ctx) => {
      const result = await resultOf(ctx);
      sendBody(ctx.res, 200, result.body, { 'content-type': result.contentType });
    },
  },
  {
    // The result in the wrapper: the JSON itself, or an image as {contentType, data: base64}.
    method: 'GET',
    path: '/data/result/json/{id}',
    kind: 'cheap',
    handler: async (ctx) => {
      const { contentType, body } = await resultOf(ctx);
      const data = isJson(contentType)
        ? JSON.parse(body.toString('utf8'))
        : { contentType, data: body.toString('base64') };
      sendJson(ctx.res, 200, wrapped(data));
    },
  },
  {
    // Deletes any job: a queued one is canceled first; a running one is asked to cancel (409 until it stops).
    method: 'DELETE',
    path: '/data/delete/{id}',
    kind: 'cheap',
    handler: async (ctx) => {
      const id = ctx.params.id ?? '';
      let job = await queueOf(ctx.app).get(id);
      if (job.status === 'queued' || job.status === 'running') job = await queueOf(ctx.app).cancel(id);
      if (job.status === 'running') {
        throw new RocketError(
          'JOB_NOT_FINISHED',
          'The job is running: it was asked to cancel, and stops when its inference returns; delete it then',
        );
      }
      await queueOf(ctx.app).delete(id);
      sendJson(ctx.res, 200, wrapped({ id, status: 'Deleted', errorMessage: null }));
    },
  },
  {
    method: 'GET',
    path: '/data/supported-mime-types',
    kind: 'cheap',
    handler: ({ res, app }) => {
      const mimeTypes = supportedMimeTypes(app.pipeline().spec, app.config.ALLOW_SVG);
      sendJson(res, 200, wrapped({ mimeTypes }));
    },
  },
];
