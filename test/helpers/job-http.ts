/** HTTP helpers of the job API tests: submit, wait for a job, compare answers without their timings. */
import { beforeAll } from 'vitest';
import { type Json, json, multipart } from './http.js';
import { type RunningServer, useServer } from './server.js';

/** POSTs a body to `path` (POST /jobs by default) with its content type and any headers. */
export function post(
  url: string,
  { body, contentType }: { body: Buffer; contentType: string },
  {
    path = '/jobs',
    query = '',
    headers = {},
  }: { path?: string; query?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${url}${path}${query}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
}

/** An image as the multipart file `input` (with optional text fields), as `curl -F input=@file` sends it. */
export function imageForm(image: Buffer, fields: Record<string, string> = {}, boundary?: string) {
  return multipart(
    [
      { name: 'input', filename: 'image.jpg', type: 'image/jpeg', data: image },
      ...Object.entries(fields).map(([name, data]) => ({ name, data })),
    ],
    boundary,
  );
}

const FINISHED = ['succeeded', 'failed', 'canceled'];

/** Polls GET /jobs/{id} until the job has finished; returns its last JSON. */
export async function waitForJob(url: string, id: string, timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await json(await fetch(`${url}/jobs/${id}`));
    if (FINISHED.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A /process answer without its timings, which differ from run to run. */
export function withoutTiming(body: Json): Json {
  if (Array.isArray(body)) return body.map(withoutTiming);
  const { timing: _timing, ...rest } = body;
  return rest;
}

/**
 * Waits until the job queue of a server is open: `rocket serve` opens it just after the rocket is
 * ready (/health 200), so the first submits of a test could otherwise meet 503 NOT_READY.
 */
export async function untilJobsOpen(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await fetch(`${url}/jobs?limit=1`)).status === 503) {
    if (Date.now() > deadline) throw new Error(`the job queue of ${url} did not open in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `rocket serve` for a describe's tests (see useServer), once its job queue is open as well as its
 * rocket. Returns a getter for the running server.
 */
export function useJobsServer(env?: Parameters<typeof useServer>[1]): () => RunningServer {
  const server = useServer('npm start server', env);
  beforeAll(() => untilJobsOpen(server().url));
  return server;
}
