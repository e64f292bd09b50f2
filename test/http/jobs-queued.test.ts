import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json } from '../helpers/http.js';
import { imageForm, post, useJobsServer } from '../helpers/job-http.js';

// JOBS=false: this server accepts and reports jobs but never runs them, so they stay queued.
describe('queued jobs, on a server that does not work the queue', () => {
  const server = useJobsServer({ JOBS: 'false', MAX_JOBS_QUEUED: '2' });
  let image: Buffer;
  beforeAll(async () => {
    image = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 80 });
  });
  const call = async (method: string, path: string) => {
    const res = await fetch(`${server().url}${path}`, { method });
    return { status: res.status, body: res.status === 204 ? null : await json(res) };
  };

  it('a queued job has no result yet (409), cannot be deleted (409), and is canceled at once', async () => {
    const { id, ...job } = await json(await post(server().url, imageForm(image)));
    expect(job).toMatchObject({ status: 'queued', startedAt: null, finishedAt: null, attempts: 0 });
    expect(await call('GET', `/jobs/${id}/result`)).toMatchObject({
      status: 409,
      body: { error: { code: 'JOB_NOT_FINISHED' } },
    });
    expect(await call('DELETE', `/jobs/${id}`)).toMatchObject({
      status: 409,
      body: { error: { code: 'JOB_NOT_FINISHED' } },
    });
    expect(await call('POST', `/jobs/${id}/cancel`)).toMatchObject({
      status: 200,
      body: { id, status: 'canceled' },
    });
    expect(await call('GET', `/jobs/${id}`)).toMatchObject({ status: 200, body: { status: 'canceled' } });
    expect(await call('GET', `/jobs/${id}/result`)).toMatchObject({
      status: 409,
      body: { error: { code: 'JOB_CANCELED' } },
    });
    expect(await call('POST', `/jobs/${id}/cancel`)).toMatchObject({ status: 409 });
    expect(await call('DELETE', `/jobs/${id}`)).toEqual({ status: 204, body: null });
  });

  it('past MAX_JOBS_QUEUED a submit gets 429 QUEUE_FULL with Retry-After', async () => {
    for (let i = 0; i < 2; i++) expect((await post(server().url, imageForm(image))).status).toBe(202);
    const res = await post(server().url, imageForm(image));
    expect(res.status).toBe(429);
    expect((await json(res)).error.code).toBe('QUEUE_FULL');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const queued = await json(await fetch(`${server().url}/jobs?status=queued`));
    expect(queued.jobs).toHaveLength(2);
  });
});
