import { processQuery } from '../http/params.js';
import { listJobsQuery } from '../http/routes/jobs.js';
import { JOB_STATUSES, WEBHOOK_EVENTS } from '../jobs/types.js';
import { binary } from './common.js';
import * as c from './components.js';
import { coreDocs } from './docs-core.js';
import type { JsonSchema, OperationDoc, ResponseDoc, RouteDocs } from './types.js';

const TAGS = ['jobs'];
const COMPAT = ['jobs (compatible routes)'];
const ID = { id: 'The job id (a UUID), as POST /jobs answered it.' };
const time = (what: string) => ({ type: ['string', 'null'], format: 'date-time', description: what });

/** A job, as every /jobs route answers it (src/jobs/job-json.ts). */
const job: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { enum: [...JOB_STATUSES] },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: time('When it last started; null while first queued.'),
    finishedAt: time('When it finished; null until then.'),
    attempts: { type: 'integer', description: 'Times it was started (a job whose worker died is retaken).' },
    error: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      description: 'Why it failed (the catalogue code and message /process would have answered).',
    },
  },
  required: ['id', 'status', 'createdAt', 'startedAt', 'finishedAt', 'attempts', 'error'],
};
const jobContent = { 'application/json': job };

/** A catalogue error response: `{"error": {code, message}}`. */
const error = (description: string): ResponseDoc => ({
  description,
  content: { 'application/json': c.errorBody },
});
const retryAfter = { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } };
const location = { Location: { description: '/jobs/{id}: where the job is.', schema: { type: 'string' } } };
const common = {
  '401': error('API_KEY is set and the request has no valid key.'),
  '503': {
    ...error('NOT_READY: the rocket or the job queue is not ready, or the server is draining.'),
    headers: retryAfter,
  },
};
const notFound = { '404': error('JOB_NOT_FOUND: no job has this id (never existed, deleted, or expired).') };

const submitted: Record<string, ResponseDoc> = {
  '202': { description: 'Queued: the job.', headers: location, content: jobContent },
  '200': {
    description: 'An Idempotency-Key already used with the same request: the job it made first.',
    headers: location,
    content: jobContent,
  },
  '400': error(
    'The request /process would refuse (INVALID_PARAMETER, MISSING_INPUT, INVALID_INPUT, ...), or WEBHOOK_URL_INVALID.',
  ),
  '413': error('PAYLOAD_TOO_LARGE: the body is larger than MAX_UPLOAD_BYTES.'),
  '415': error('UNSUPPORTED_MEDIA_TYPE, or UNSUPPORTED_IMAGE_FORMAT (HEIC).'),
  '422': error('IDEMPOTENCY_CONFLICT: this Idempotency-Key was used with another request.'),
  '429': { ...error('QUEUE_FULL: MAX_JOBS_QUEUED jobs are waiting.'), headers: retryAfter },
  ...common,
};

const idempotencyKey = {
  'Idempotency-Key': {
    doc: 'The same key with the same request returns the same job (200); with another request, 422 IDEMPOTENCY_CONFLICT.',
    schema: { type: 'string', maxLength: 255 },
  },
};

/** POST /jobs's multipart body: /process's `input` files, and the job's own fields. */
const jobForm: JsonSchema = {
  type: 'object',
  properties: {
    input: {
      type: 'array',
      items: binary,
      description: 'As on /process: one or more images (up to 16), or one CSV file.',
    },
    webhook: {
      type: 'string',
      format: 'uri',
      description: "A URL the job's events are POSTed to (Standard Webhooks).",
    },
    webhook_events: {
      type: 'string',
      description: `Comma-separated: ${WEBHOOK_EVENTS.join(', ')}. Default: completed.`,
    },
    mapping: {
      ...binary,
      description:
        'Tabular rockets: a JSON object naming the rocket feature of each field of the upload, {"their field": "feature name" or feature index}.',
    },
  },
  required: ['input'],
};

const process = coreDocs['POST /process'] as OperationDoc;

/** The job API (/jobs), the compatible routes (/data/...), /AddJob, and POST /process's Prefer: respond-async. */
export const jobsDocs: RouteDocs = {
  'POST /process': {
    ...process,
    headers: {
      Prefer: {
        doc: '`respond-async`: queue a job instead (as POST /jobs: 202, Location, the job), answered with Preference-Applied.',
        schema: { type: 'string' },
      },
      ...idempotencyKey,
    },
    responses: {
      ...process.responses,
      '202': {
        description: 'With Prefer: respond-async: the job, as POST /jobs answers it.',
        headers: {
          ...location,
          'Preference-Applied': { description: 'respond-async', schema: { type: 'string' } },
        },
        content: jobContent,
      },
    },
  },
  'POST /jobs': {
    summary: 'Queue a job: what POST /process takes, answered later',
    description:
      'The same body and query parameters as POST /process (multipart `input` files, a raw image, JSON rows or a CSV), ' +
      'plus, in a multipart body, `webhook`, `webhook_events` and, for tabular rockets, a `mapping` file. ' +
      'Checked at once as /process checks it before running the model.',
    tags: TAGS,
    query: processQuery,
    headers: idempotencyKey,
    requestBody: {
      required: false,
      content: {
        'multipart/form-data': jobForm,
        'image/*': binary,
        'application/octet-stream': binary,
        'text/csv': { type: 'string' },
        'application/json': c.tabularRows,
      },
    },
    responses: submitted,
  },
  'GET /jobs': {
    summary: 'List jobs, newest first',
    tags: TAGS,
    query: listJobsQuery,
    responses: {
      '200': {
        description: 'A page of jobs; `next` is the cursor of the next page (null on the last).',
        content: {
          'application/json': {
            type: 'object',
            properties: { jobs: { type: 'array', items: job }, next: { type: ['string', 'null'] } },
            required: ['jobs', 'next'],
          },
        },
      },
      '400': error('INVALID_PARAMETER or UNKNOWN_PARAMETER.'),
      ...common,
    },
  },
  'GET /jobs/{id}': {
    summary: 'A job and its status',
    tags: TAGS,
    pathParams: ID,
    responses: { '200': { description: 'The job.', content: jobContent }, ...notFound, ...common },
  },
  'GET /jobs/{id}/result': {
    summary: 'What POST /process answered: its status, content type and body',
    tags: TAGS,
    pathParams: ID,
    responses: {
      '200': {
        description: 'The result: JSON, or an image (format=image, image-to-image rockets).',
        content: {
          'application/json': c.processResults,
          'image/jpeg': binary,
          'image/png': binary,
          'image/webp': binary,
        },
      },
      '4XX': error('A failed job: the error /process answered, with its status.'),
      '5XX': error('A failed job: the error /process answered (INFERENCE_FAILED, ...).'),
      '409': error('JOB_NOT_FINISHED (queued or running), or JOB_CANCELED.'),
      ...notFound,
      ...common,
    },
  },
  'POST /jobs/{id}/cancel': {
    summary: 'Cancel a queued job, or a running one as soon as its inference returns',
    tags: TAGS,
    pathParams: ID,
    responses: {
      '200': { description: 'Canceled.', content: jobContent },
      '202': { description: 'Running: it ends canceled when its inference returns.', content: jobContent },
      '409': error('JOB_NOT_FINISHED: it has already finished.'),
      ...notFound,
      ...common,
    },
  },
  'DELETE /jobs/{id}': {
    summary: 'Delete a finished job, its input and its result',
    tags: TAGS,
    pathParams: ID,
    responses: {
      '204': { description: 'Deleted.' },
      '409': error('JOB_NOT_FINISHED: it is queued or running (cancel it first).'),
      ...notFound,
      ...common,
    },
  },
  ...compatDocs(),
  'GET /AddJob': {
    summary: 'A page to queue files as jobs, follow them and see their results',
    tags: ['docs'],
    responses: { '200': { description: 'The page.', content: { 'text/html': { type: 'string' } } } },
  },
};

/** `{"data": …, "isError": false, "errorMessage": null}`. */
function wrapper(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: { data, isError: { type: 'boolean' }, errorMessage: { type: ['string', 'null'] } },
    required: ['data', 'isError', 'errorMessage'],
  };
}

/** The compatible routes' answers and errors, all in the wrapper. */
function compatDocs(): RouteDocs {
  const wrapped = (description: string, data: JsonSchema): ResponseDoc => ({
    description,
    content: { 'application/json': wrapper(data) },
  });
  const failed = (description: string): ResponseDoc => ({
    description: `${description} The code is in X-Error-Code.`,
    headers: { 'X-Error-Code': { description: 'The catalogue code.', schema: { type: 'string' } } },
    content: { 'application/json': wrapper({ type: 'null' }) },
  });
  const jobData = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      status: { enum: ['Created', 'InProgress', 'Complete', 'Error'] },
      errorMessage: { type: ['string', 'null'] },
    },
    required: ['id', 'status', 'errorMessage'],
  };
  const errors = {
    '401': failed('API_KEY is set and the request has no valid key.'),
    '404': failed('JOB_NOT_FOUND.'),
    '503': failed('NOT_READY.'),
  };
  const unfinished = { '409': failed('JOB_NOT_FINISHED, or JOB_CANCELED.') };
  const failedJob = {
    '4XX': failed('The job failed: its error.'),
    '5XX': failed('The job failed: its error.'),
  };
  return {
    'POST /data/add-job': {
      summary: 'Queue a job (the compatible form of POST /jobs)',
      tags: COMPAT,
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            type: 'object',
            properties: {
              File: { ...binary, description: 'The image, or the CSV or JSON rows of a tabular rocket.' },
              MimeType: { type: 'string', description: "The file's media type, over the part's own." },
              Mappings: {
                ...binary,
                description: 'Tabular rockets: the mapping file, as POST /jobs takes it.',
              },
              CallbackUrl: {
                type: 'string',
                format: 'uri',
                description: 'Called (webhook) when the job completes or fails.',
              },
            },
            required: ['File'],
          },
        },
      },
      responses: {
        '200': wrapped('The job: status Created.', jobData),
        '400': failed('A bad request (as POST /jobs).'),
        '413': failed('PAYLOAD_TOO_LARGE.'),
        '415': failed('UNSUPPORTED_MEDIA_TYPE or UNSUPPORTED_IMAGE_FORMAT.'),
        '429': failed('QUEUE_FULL; retry after Retry-After seconds.'),
        ...errors,
      },
    },
    'GET /data/status/{id}': {
      summary: "A job's status: Created, InProgress, Complete or Error",
      tags: COMPAT,
      pathParams: ID,
      responses: { '200': wrapped('The job.', jobData), ...errors },
    },
    'GET /data/result/{id}': {
      summary: 'The result as it is: the JSON or image POST /process answered',
      tags: COMPAT,
      pathParams: ID,
      responses: {
        '200': {
          description: 'The result.',
          content: { 'application/json': c.processResults, 'image/*': binary },
        },
        ...unfinished,
        ...failedJob,
        ...errors,
      },
    },
    'GET /data/result/json/{id}': {
      summary: 'The result in the wrapper: its JSON, or an image as {contentType, data (base64)}',
      tags: COMPAT,
      pathParams: ID,
      responses: {
        '200': wrapped('The result.', {}),
        ...unfinished,
        ...failedJob,
        ...errors,
      },
    },
    'DELETE /data/delete/{id}': {
      summary: 'Delete a job (a queued one is canceled first)',
      tags: COMPAT,
      pathParams: ID,
      responses: {
        '200': wrapped('Deleted.', {
          ...jobData,
          properties: { ...jobData.properties, status: { const: 'Deleted' } },
        }),
        '409': failed('JOB_NOT_FINISHED: it is running; it was asked to cancel.'),
        ...errors,
      },
    },
    'GET /data/supported-mime-types': {
      summary: 'The media types this rocket takes',
      tags: COMPAT,
      responses: {
        '200': wrapped('The media types.', {
          type: 'object',
          properties: { mimeTypes: { type: 'array', items: { type: 'string' } } },
          required: ['mimeTypes'],
        }),
        ...errors,
      },
    },
  };
}
