import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, multipart } from '../helpers/http.js';
import { imageForm, post, useJobsServer } from '../helpers/job-http.js';

/** The first bytes of a HEIC photo: an ISO-BMFF `ftyp` box with the `heic` brand, then filler. */
const HEIC = Buffer.concat([
  Buffer.from([0, 0, 0, 24]),
  Buffer.from('ftypheic\0\0\0\0mif1heic'),
  Buffer.alloc(64),
]);

interface BadSubmit {
  name: string;
  request: (image: Buffer) => { body: Buffer; contentType: string };
  query?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  message?: RegExp;
}

const BAD: BadSubmit[] = [
  {
    name: 'an unknown query parameter',
    request: imageForm,
    query: '?colour=red',
    status: 400,
    code: 'UNKNOWN_PARAMETER',
  },
  {
    name: 'a bad threshold',
    request: imageForm,
    query: '?confidence=2',
    status: 400,
    code: 'INVALID_PARAMETER',
  },
  {
    name: 'a format detect cannot answer',
    request: imageForm,
    query: '?format=mask',
    status: 400,
    code: 'INVALID_PARAMETER',
  },
  {
    name: 'no input file',
    request: () => multipart([{ name: 'webhook', data: 'https://8.8.8.8/hook' }]),
    status: 400,
    code: 'MISSING_INPUT',
  },
  {
    name: 'the input as text',
    request: () => multipart([{ name: 'input', data: 'photo.jpg' }]),
    status: 400,
    code: 'MISSING_INPUT',
    message: /sent as text/,
  },
  {
    name: 'no body',
    request: () => ({ body: Buffer.alloc(0), contentType: '' }),
    status: 400,
    code: 'MISSING_INPUT',
  },
  {
    name: 'a text body',
    request: () => ({ body: Buffer.from('hello'), contentType: 'text/plain' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a file in another field',
    request: (image) => multipart([{ name: 'image', filename: 'a.jpg', type: 'image/jpeg', data: image }]),
    status: 400,
    code: 'UNEXPECTED_FIELD',
  },
  {
    name: 'an unknown text field',
    request: (image) => imageForm(image, { webhooks: 'https://8.8.8.8/hook' }),
    status: 400,
    code: 'UNEXPECTED_FIELD',
    message: /"webhooks"/,
  },
  {
    name: 'an unknown webhook event',
    request: (image) =>
      imageForm(image, { webhook: 'https://8.8.8.8/hook', webhook_events: 'completed,finished' }),
    status: 400,
    code: 'INVALID_PARAMETER',
    message: /webhook_events/,
  },
  {
    name: 'webhook_events without a webhook',
    request: (image) => imageForm(image, { webhook_events: 'failed' }),
    status: 400,
    code: 'INVALID_PARAMETER',
  },
  {
    name: 'a webhook to a loopback address',
    request: (image) => imageForm(image, { webhook: 'http://127.0.0.1:9/hook' }),
    status: 400,
    code: 'WEBHOOK_URL_INVALID',
  },
  {
    name: 'a webhook that is not http(s)',
    request: (image) => imageForm(image, { webhook: 'ftp://example.com/hook' }),
    status: 400,
    code: 'WEBHOOK_URL_INVALID',
  },
  {
    name: 'a mapping on an image rocket',
    request: (image) => imageForm(image, { mapping: '{"a": 0}' }),
    status: 400,
    code: 'UNSUPPORTED_INPUT',
  },
  {
    name: 'a HEIC photo',
    request: () => ({ body: HEIC, contentType: 'image/heic' }),
    status: 415,
    code: 'UNSUPPORTED_IMAGE_FORMAT',
  },
  {
    name: 'a body over MAX_UPLOAD_BYTES',
    request: () => ({ body: Buffer.alloc(300 * 1024, 1), contentType: 'image/jpeg' }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'an Idempotency-Key of 256 characters',
    request: imageForm,
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    code: 'INVALID_PARAMETER',
  },
];

describe('POST /jobs refuses at once what /process would refuse before running the model', () => {
  const server = useJobsServer({ MAX_UPLOAD_BYTES: String(256 * 1024) });
  let image: Buffer;
  beforeAll(async () => {
    image = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 80 });
  });

  it.each(BAD)(
    '$name → $status $code, and no job',
    async ({ request, query, headers, status, code, message }) => {
      const before = (await json(await fetch(`${server().url}/jobs?limit=1000`))).jobs.length;
      const res = await post(server().url, request(image), { query, headers });
      const body = await json(res);
      expect([res.status, body.error.code]).toEqual([status, code]);
      if (message) expect(body.error.message).toMatch(message);
      expect((await json(await fetch(`${server().url}/jobs?limit=1000`))).jobs).toHaveLength(before);
    },
  );

  it('a well-formed submit with a webhook and its events is accepted', async () => {
    // A public address (no DNS), for an event this job never has: nothing is sent.
    const form = imageForm(image, { webhook: 'https://8.8.8.8/hook', webhook_events: ' failed ' });
    const res = await post(server().url, form);
    expect(res.status).toBe(202);
  });
});
