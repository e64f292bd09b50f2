import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, multipart } from '../helpers/http.js';
import { imageForm, post, useJobsServer, withoutTiming } from '../helpers/job-http.js';
import { solidImage } from '../helpers/models.js';
import { writeSlowColourRocket } from '../helpers/slow-models.js';

/** POST /data/add-job's form: `File`, and any of `MimeType`, `Mappings`, `CallbackUrl`. */
const addJobForm = (file: Buffer, fields: Record<string, string> = {}, type = 'image/jpeg') =>
  multipart([
    { name: 'File', filename: 'photo.jpg', type, data: file },
    ...Object.entries(fields).map(([name, data]) => ({ name, data })),
  ]);

/** A compatible route's answer: its status, X-Error-Code and wrapped body. */
async function call(url: string, method: string, path: string, form?: { body: Buffer; contentType: string }) {
  const res = form ? await post(url, form, { path }) : await fetch(`${url}${path}`, { method });
  return { status: res.status, code: res.headers.get('x-error-code'), body: await json(res) };
}

const ok = (data: unknown) => ({ data, isError: false, errorMessage: null });
const failed = (message: RegExp) => ({
  data: null,
  isError: true,
  errorMessage: expect.stringMatching(message),
});

/** Polls GET /data/status/{id} until the status is one of `statuses`. */
async function untilStatus(url: string, id: string, statuses: string[]) {
  for (;;) {
    const { body } = await call(url, 'GET', `/data/status/${id}`);
    if (statuses.includes(body.data.status)) return body.data;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the compatible job routes', () => {
  let image: Buffer;
  beforeAll(async () => {
    image = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 85 });
  });

  describe('on a server that queues jobs without running them', () => {
    const server = useJobsServer({ JOBS: 'false' });

    it('answers errors raised before its handlers in the wrapper too', async () => {
      expect(await call(server().url, 'GET', '/data/nothing-here')).toEqual({
        status: 404,
        code: 'ROUTE_NOT_FOUND',
        body: failed(/No route \/data\/nothing-here/),
      });
      expect(await call(server().url, 'PUT', '/data/supported-mime-types')).toMatchObject({
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        body: failed(/accepts GET, HEAD/),
      });
    });

    it('add-job answers Created; status says Created; the result is not ready (409)', async () => {
      const added = await call(server().url, 'POST', '/data/add-job', addJobForm(image));
      expect(added).toMatchObject({
        status: 200,
        body: ok({ id: expect.any(String), status: 'Created', errorMessage: null }),
      });
      const { id } = added.body.data;
      expect(await call(server().url, 'GET', `/data/status/${id}`)).toMatchObject({
        status: 200,
        body: ok({ id, status: 'Created', errorMessage: null }),
      });
      for (const path of [`/data/result/${id}`, `/data/result/json/${id}`]) {
        expect(await call(server().url, 'GET', path)).toEqual({
          status: 409,
          code: 'JOB_NOT_FINISHED',
          body: failed(/not ready/),
        });
      }
      // The job is the /jobs API's too.
      expect((await json(await fetch(`${server().url}/jobs/${id}`))).status).toBe('queued');
    });

    it('delete cancels a queued job and deletes it: Deleted, then 404 JOB_NOT_FOUND', async () => {
      const { id } = (await call(server().url, 'POST', '/data/add-job', addJobForm(image))).body.data;
      expect(await call(server().url, 'DELETE', `/data/delete/${id}`)).toEqual({
        status: 200,
        code: null,
        body: ok({ id, status: 'Deleted', errorMessage: null }),
      });
      expect(await call(server().url, 'GET', `/data/status/${id}`)).toEqual({
        status: 404,
        code: 'JOB_NOT_FOUND',
        body: failed(/No job has id/),
      });
    });

    it('supported-mime-types lists the image types an image rocket decodes', async () => {
      const { status, body } = await call(server().url, 'GET', '/data/supported-mime-types');
      expect(status).toBe(200);
      expect(body).toEqual(
        ok({ mimeTypes: expect.arrayContaining(['image/jpeg', 'image/png', 'image/webp']) }),
      );
      expect(body.data.mimeTypes).not.toContain('image/svg+xml');
    });

    it.each([
      [
        'no File',
        () => multipart([{ name: 'CallbackUrl', data: 'https://8.8.8.8/x' }]),
        400,
        'MISSING_INPUT',
      ],
      ['the file as input', (i: Buffer) => imageForm(i), 400, 'UNEXPECTED_FIELD'],
      [
        'a MimeType that is none',
        (i: Buffer) => addJobForm(i, { MimeType: 'jpeg' }),
        400,
        'INVALID_PARAMETER',
      ],
      [
        'a MimeType of text',
        (i: Buffer) => addJobForm(i, { MimeType: 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'a loopback CallbackUrl',
        (i: Buffer) => addJobForm(i, { CallbackUrl: 'http://127.0.0.1/x' }),
        400,
        'WEBHOOK_URL_INVALID',
      ],
      [
        'two files',
        (i: Buffer) =>
          multipart([
            { name: 'File', filename: 'a.jpg', type: 'image/jpeg', data: i },
            { name: 'File', filename: 'b.jpg', type: 'image/jpeg', data: i },
          ]),
        400,
        'TOO_MANY_FILES',
      ],
    ])('add-job with %s → %i %s in the wrapper', async (_, form, status, code) => {
      const res = await call(server().url, 'POST', '/data/add-job', form(image));
      expect(res).toEqual({ status, code, body: failed(/./) });
    });
  });

  describe('on a server that runs them', () => {
    const server = useJobsServer();

    it('a job becomes Complete; result is the raw /process answer, result/json the same in the wrapper', async () => {
      const { id } = (await call(server().url, 'POST', '/data/add-job', addJobForm(image))).body.data;
      expect(await untilStatus(server().url, id, ['Complete', 'Error'])).toEqual({
        id,
        status: 'Complete',
        errorMessage: null,
      });
      const raw = await fetch(`${server().url}/data/result/${id}`);
      expect(raw.headers.get('content-type')).toContain('application/json');
      const result = await json(raw);
      const sync = await json(await post(server().url, imageForm(image), { path: '/process' }));
      expect(withoutTiming(result)).toEqual(withoutTiming(sync));
      expect(await call(server().url, 'GET', `/data/result/json/${id}`)).toEqual({
        status: 200,
        code: null,
        body: ok(result),
      });
    });

    it('an image result: raw bytes, and base64 in result/json', async () => {
      const form = addJobForm(image);
      const { id } = (await call(server().url, 'POST', '/data/add-job?format=image', form)).body.data;
      await untilStatus(server().url, id, ['Complete']);
      const raw = await fetch(`${server().url}/data/result/${id}`);
      expect(raw.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await raw.arrayBuffer());
      const { body } = await call(server().url, 'GET', `/data/result/json/${id}`);
      expect(body).toEqual(ok({ contentType: 'image/jpeg', data: bytes.toString('base64') }));
    });

    it('a job that fails is Error with its message; its result is the error, in the wrapper', async () => {
      const broken = addJobForm(Buffer.from('not an image'), { MimeType: 'image/png' });
      const { id } = (await call(server().url, 'POST', '/data/add-job', broken)).body.data;
      const status = await untilStatus(server().url, id, ['Complete', 'Error']);
      expect(status).toEqual({ id, status: 'Error', errorMessage: expect.any(String) });
      expect(await call(server().url, 'GET', `/data/result/${id}`)).toEqual({
        status: 422,
        code: 'IMAGE_UNDECODABLE',
        body: failed(new RegExp(status.errorMessage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
      });
    });
  });

  describe('on a slow rocket', () => {
    const server = useJobsServer(() => ({ ROCKET_URL: writeSlowColourRocket(40) }));

    it('a running job is InProgress; delete asks it to cancel (409) and deletes it once stopped', async () => {
      const red = await solidImage([230, 20, 20]);
      const { id } = (await call(server().url, 'POST', '/data/add-job', addJobForm(red, {}, 'image/png')))
        .body.data;
      expect((await untilStatus(server().url, id, ['InProgress', 'Complete'])).status).toBe('InProgress');
      expect(await call(server().url, 'DELETE', `/data/delete/${id}`)).toEqual({
        status: 409,
        code: 'JOB_NOT_FINISHED',
        body: failed(/asked to cancel/),
      });
      expect(await untilStatus(server().url, id, ['Complete', 'Error'])).toEqual({
        id,
        status: 'Error',
        errorMessage: 'The job was canceled',
      });
      expect((await call(server().url, 'DELETE', `/data/delete/${id}`)).body).toEqual(
        ok({ id, status: 'Deleted', errorMessage: null }),
      );
    });
  });
});
