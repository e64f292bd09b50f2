/** A client of the job API for the runner's tests: submit, poll, read results, compare answers. */
import { type Json, multipart } from './http.js';

/** A job as GET /jobs/{id} answers it. */
export interface JobView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
}

/** The body /process takes: one image as the multipart file `input`. */
const imageBody = (image: Buffer, type: string) =>
  multipart([{ name: 'input', filename: 'input', data: image, type }]);

/** POST /jobs with one image as the `input` part; resolves with the raw response. */
export function postJob(url: string, image: Buffer, query = '', type = 'image/png'): Promise<Response> {
  const { body, contentType } = imageBody(image, type);
  return fetch(`${url}/jobs${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

/** POST /jobs with one image as the `input` part (what /process takes); resolves with the job. */
export async function submitImageJob(
  url: string,
  image: Buffer,
  query = '',
  type = 'image/png',
): Promise<JobView> {
  const res = await postJob(url, image, query, type);
  if (res.status !== 202) throw new Error(`POST /jobs answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as JobView;
}

/** POST /process with one image as the `input` part: the synchronous answer to compare with. */
export function postProcess(url: string, image: Buffer, query = '', type = 'image/png'): Promise<Response> {
  const { body, contentType } = imageBody(image, type);
  return fetch(`${url}/process${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

/** GET /jobs/{id}. */
export async function getJob(url: string, id: string): Promise<JobView> {
  const res = await fetch(`${url}/jobs/${id}`);
  if (res.status !== 200) throw new Error(`GET /jobs/${id} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as JobView;
}

const FINISHED = ['succeeded', 'failed', 'canceled'];

/** Polls GET /jobs/{id} every 50 ms until `done` holds (by default: the job finished); resolves with it. */
export async function waitForJob(
  url: string,
  id: string,
  done: (job: JobView) => boolean = (job) => FINISHED.includes(job.status),
): Promise<JobView> {
  for (;;) {
    const job = await getJob(url, id);
    if (done(job)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET /jobs/{id}/result: status, content type and body bytes. */
export async function jobResult(
  url: string,
  id: string,
): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(`${url}/jobs/${id}/result`);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** A JSON answer without its stage times, which differ between any two runs. */
export function withoutTimings(answer: Json): Json {
  return JSON.parse(JSON.stringify(answer), (key, value) => (key === 'timing' ? undefined : value));
}
