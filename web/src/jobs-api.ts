import { check, headers, type ProcessReply } from './api.js';

/** The job API calls of the /AddJob page (POST /jobs, GET /jobs/{id}, its result, DELETE), with the API key. */

/** A job as the API answers it (src/jobs/job-json.ts, whose module needs Node's types). */
export interface JobJson {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
}

/** POST /jobs: queues `file` (the multipart part `input`) with the playground's query and Accept. */
export async function postJob(
  file: File,
  query: Record<string, string | number>,
  accept: string,
): Promise<JobJson> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const form = new FormData();
  form.append('input', file, file.name);
  const res = await check(
    await fetch(`jobs${search.size ? `?${search}` : ''}`, {
      method: 'POST',
      body: form,
      headers: headers({ accept }),
    }),
  );
  return (await res.json()) as JobJson;
}

const jobUrl = (id: string) => `jobs/${encodeURIComponent(id)}`;

/** GET /jobs/{id}. */
export async function getJob(id: string): Promise<JobJson> {
  return (await (await check(await fetch(jobUrl(id), { headers: headers() }))).json()) as JobJson;
}

/** GET /jobs/{id}/result: what /process answered, JSON or an image. */
export async function getJobResult(id: string): Promise<ProcessReply> {
  const started = performance.now();
  const res = await check(await fetch(`${jobUrl(id)}/result`, { headers: headers() }));
  const roundTripMs = performance.now() - started;
  if ((res.headers.get('content-type') ?? '').startsWith('image/')) {
    return { kind: 'image', blob: await res.blob(), serverTiming: {}, roundTripMs };
  }
  return { kind: 'json', body: (await res.json()) as Record<string, unknown>, roundTripMs };
}

/** POST /jobs/{id}/cancel. */
export async function cancelJob(id: string): Promise<JobJson> {
  const res = await check(await fetch(`${jobUrl(id)}/cancel`, { method: 'POST', headers: headers() }));
  return (await res.json()) as JobJson;
}

/** DELETE /jobs/{id}. */
export async function deleteJob(id: string): Promise<void> {
  await check(await fetch(jobUrl(id), { method: 'DELETE', headers: headers() }));
}
