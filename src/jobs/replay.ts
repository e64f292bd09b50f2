import { Readable } from 'node:stream';
import type { RocketApp } from '../app.js';
import { errorResponse } from '../http/error-response.js';
import { coreRoutes } from '../http/routes/core.js';
import type { BodyRequest } from '../http/upload.js';
import { LambdaResponse } from '../lambda/response.js';
import { exceptionFields } from '../log.js';
import type { JobError, JobRequest, JobResult } from './types.js';

/** What a job's run gave: the answer /process would have sent, and its error when it is one. */
export interface Replayed {
  result: JobResult;
  /** The catalogue code and message of an error answer (status 4xx or 5xx); null for a 2xx. */
  error: JobError | null;
}

const processRoute = coreRoutes.find((r) => r.method === 'POST' && r.path === '/process');

/**
 * Runs a stored request through the very route POST /process runs (its parameter checks, upload
 * reading, pipeline and renderers), with the stored body as the request's `rawBody` and an
 * in-memory response, so a job's result is the synchronous answer by construction. Errors map
 * through the same catalogue as over HTTP (5xx messages hidden in production, and logged once).
 * The caller holds the admission slot; `signal` aborts a run still waiting for a worker.
 */
export async function replay(app: RocketApp, request: JobRequest, signal: AbortSignal): Promise<Replayed> {
  if (!processRoute) throw new Error('POST /process is missing from the core routes');
  const url = new URL(`/process${request.query ? `?${request.query}` : ''}`, 'http://localhost');
  const res = new LambdaResponse();
  try {
    await processRoute.handler({
      req: storedRequest(request, url),
      res: res.asServerResponse(),
      url,
      params: {},
      app,
      signal,
    });
    if (!res.writableEnded) throw new Error('POST /process ended without an answer');
  } catch (err) {
    const response = errorResponse(err);
    const { status, code = 'INTERNAL', message } = response;
    if (status >= 500) app.log.error(message, { code, path: '/jobs', ...exceptionFields(err) });
    const result = {
      status,
      contentType: response.headers['content-type'] ?? 'application/json',
      body: Buffer.from(response.body),
    };
    return { result, error: { code, message } };
  }
  const result = {
    status: res.statusCode,
    contentType: String(res.getHeader('content-type') ?? 'application/octet-stream'),
    body: res.body(),
  };
  return { result, error: null };
}

/** The request /process reads: the stored headers, and the stored body as a buffered `rawBody`. */
function storedRequest(request: JobRequest, url: URL): BodyRequest {
  const headers: Record<string, string> = {};
  if (request.contentType) headers['content-type'] = request.contentType;
  if (request.accept) headers.accept = request.accept;
  if (request.body.length > 0) headers['content-length'] = String(request.body.length);
  const stream = Readable.from(request.body.length > 0 ? [request.body] : [], { objectMode: false });
  const fields = {
    method: 'POST',
    url: url.pathname + url.search,
    headers,
    rawHeaders: Object.entries(headers).flat(),
    httpVersion: '1.1',
    complete: true,
    rawBody: request.body,
  };
  return Object.assign(stream, fields) as unknown as BodyRequest;
}
