import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, multipart } from '../helpers/http.js';
import { imageForm, post, useJobsServer, waitForJob, withoutTiming } from '../helpers/job-http.js';

describe('the job API on the demo detector', () => {
  const server = useJobsServer();
  let shapes: Buffer;
  let other: Buffer;
  beforeAll(async () => {
    shapes = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
    other = await renderDemoScene(demoScenes.shapes, { format: 'png' });
  });

  /** The synchronous answer to the same request. */
  const sync = (form: { body: Buffer; contentType: string }, query = '') =>
    post(server().url, form, { path: '/process', query });

  it('POST /jobs answers 202, Location and the job; its result is the synchronous answer', async () => {
    const res = await post(server().url, imageForm(shapes));
    expect(res.status).toBe(202);
    const job = await json(res);
    expect(res.headers.get('location')).toBe(`/jobs/${job.id}`);
    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: expect.stringMatching(/^(queued|running|succeeded)$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      attempts: expect.any(Number),
      error: null,
    });
    const done = await waitForJob(server().url, job.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    const result = await fetch(`${server().url}/jobs/${job.id}/result`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toContain('application/json');
    const body = await json(result);
    expect(body.detections.map((d: { label: string }) => d.label).sort()).toEqual(['blue', 'green', 'red']);
    expect(withoutTiming(body)).toEqual(withoutTiming(await json(await sync(imageForm(shapes)))));
  });

  it('takes a raw image body, several files (a JSON array) and format=image (the same JPEG bytes)', async () => {
    const raw = await json(await post(server().url, { body: other, contentType: 'image/png' }));
    const many = multipart([
      { name: 'input', filename: 'a.jpg', type: 'image/jpeg', data: shapes },
      { name: 'input', filename: 'b.png', type: 'image/png', data: other },
    ]);
    const several = await json(await post(server().url, many));
    const drawn = await json(await post(server().url, imageForm(shapes), { query: '?format=image' }));
    for (const { id } of [raw, several, drawn])
      expect((await waitForJob(server().url, id)).status).toBe('succeeded');

    const rawResult = await json(await fetch(`${server().url}/jobs/${raw.id}/result`));
    const rawSync = await json(await sync({ body: other, contentType: 'image/png' }));
    expect(withoutTiming(rawResult)).toEqual(withoutTiming(rawSync));

    const severalResult = await json(await fetch(`${server().url}/jobs/${several.id}/result`));
    expect(severalResult).toHaveLength(2);
    expect(withoutTiming(severalResult)).toEqual(withoutTiming(await json(await sync(many))));

    const image = await fetch(`${server().url}/jobs/${drawn.id}/result`);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    const syncImage = await sync(imageForm(shapes), '?format=image');
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(await syncImage.arrayBuffer()))).toBe(
      true,
    );
  });

  it('Idempotency-Key: the same request gives the same job (200), another request 422', async () => {
    const key = { 'idempotency-key': `key-${Date.now()}` };
    // Two clients' boundaries differ; the request is the same.
    const first = await post(server().url, imageForm(shapes, {}, 'one-boundary'), { headers: key });
    expect(first.status).toBe(202);
    const job = await json(first);
    const again = await post(server().url, imageForm(shapes, {}, 'another-boundary'), { headers: key });
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBe(`/jobs/${job.id}`);
    expect((await json(again)).id).toBe(job.id);

    for (const changed of [
      post(server().url, imageForm(other), { headers: key }),
      post(server().url, imageForm(shapes), { headers: key, query: '?confidence=0.5' }),
    ]) {
      const res = await changed;
      expect(res.status).toBe(422);
      expect((await json(res)).error.code).toBe('IDEMPOTENCY_CONFLICT');
    }
    const page = await json(await fetch(`${server().url}/jobs?limit=1000`));
    expect(page.jobs.filter((j: { id: string }) => j.id === job.id)).toHaveLength(1);
  });

  it('POST /process with Prefer: respond-async queues a job, as POST /jobs does', async () => {
    const res = await post(server().url, imageForm(shapes), {
      path: '/process',
      headers: { prefer: 'respond-async, wait=5' },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('preference-applied')).toBe('respond-async');
    const job = await json(res);
    expect(res.headers.get('location')).toBe(`/jobs/${job.id}`);
    expect((await waitForJob(server().url, job.id)).status).toBe('succeeded');
    const result = await json(await fetch(`${server().url}/jobs/${job.id}/result`));
    expect(withoutTiming(result)).toEqual(withoutTiming(await json(await sync(imageForm(shapes)))));
  });

  it('GET /jobs lists newest first, page by page with `next`, and by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await json(await post(server().url, imageForm(shapes)))).id);
    for (const id of ids) await waitForJob(server().url, id);
    const first = await json(await fetch(`${server().url}/jobs?limit=2`));
    expect(first.jobs.map((j: { id: string }) => j.id)).toEqual([ids[2], ids[1]]);
    expect(first.next).toEqual(expect.any(String));
    const second = await json(
      await fetch(`${server().url}/jobs?limit=2&cursor=${encodeURIComponent(first.next)}`),
    );
    expect(second.jobs[0].id).toBe(ids[0]);
    const succeeded = await json(await fetch(`${server().url}/jobs?status=succeeded&limit=1000`));
    expect(succeeded.jobs.length).toBeGreaterThanOrEqual(3);
    expect(succeeded.jobs.every((j: { status: string }) => j.status === 'succeeded')).toBe(true);
    const all = await json(await fetch(`${server().url}/jobs?limit=1000`));
    expect(all.next).toBeNull();
    const created = all.jobs.map((j: { createdAt: string }) => Date.parse(j.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it.each([
    ['?limit=0', 'INVALID_PARAMETER'],
    ['?limit=2&limit=3', 'INVALID_PARAMETER'],
    ['?status=done', 'INVALID_PARAMETER'],
    ['?page=2', 'UNKNOWN_PARAMETER'],
  ])('GET /jobs%s → 400 %s', async (query, code) => {
    const res = await fetch(`${server().url}/jobs${query}`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe(code);
  });

  it('a finished job cannot be canceled (409); DELETE removes it (204), then it is 404', async () => {
    const { id } = await json(await post(server().url, imageForm(shapes)));
    await waitForJob(server().url, id);
    const cancel = await fetch(`${server().url}/jobs/${id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(409);
    expect((await json(cancel)).error.code).toBe('JOB_NOT_FINISHED');
    const removed = await fetch(`${server().url}/jobs/${id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    for (const path of [`/jobs/${id}`, `/jobs/${id}/result`]) {
      const res = await fetch(`${server().url}${path}`);
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('JOB_NOT_FOUND');
    }
    expect((await fetch(`${server().url}/jobs/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('a job whose image cannot be decoded fails; its result is the error /process answers', async () => {
    const broken = { body: Buffer.from('not an image at all'), contentType: 'image/jpeg' };
    const { id } = await json(await post(server().url, broken));
    const job = await waitForJob(server().url, id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'IMAGE_UNDECODABLE' } });
    const result = await fetch(`${server().url}/jobs/${id}/result`);
    const direct = await sync(broken);
    expect(result.status).toBe(direct.status);
    expect(await json(result)).toEqual(await json(direct));
  });
});
