import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type BodyRequest, readUploads, type UploadLimits } from '../../src/http/upload.js';
import { multipart } from '../helpers/http.js';

/** A request carrying `body` with these headers, streamed the way node:http streams it. */
function requestOf(body: Buffer | undefined, headers: Record<string, string>): BodyRequest {
  const req = Readable.from(body ? [body] : []) as unknown as BodyRequest;
  req.headers = body ? { ...headers, 'content-length': String(body.length) } : headers;
  return req;
}

const file = (name: string) => ({ name, data: 'x', filename: 'a.jpg', type: 'image/jpeg' });
const text = (name: string) => ({ name, data: 'x' });
const classify: UploadLimits = { maxBytes: 1 << 20, field: 'image' };
const process16: UploadLimits = { maxBytes: 1 << 20, field: 'input', maxFiles: 16 };

interface Case {
  name: string;
  limits: UploadLimits;
  parts?: Parameters<typeof multipart>[0];
  code: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: 'no body on /classify', limits: classify, code: 'MISSING_INPUT', message: /"image"/ },
  {
    name: 'no file part on /classify',
    limits: classify,
    parts: [text('other')],
    code: 'MISSING_INPUT',
    message: /"image"/,
  },
  {
    name: 'the field sent as text on /classify',
    limits: classify,
    parts: [text('image')],
    code: 'MISSING_INPUT',
    message: /-F image=@/,
  },
  {
    name: 'a file in `input` on /classify',
    limits: classify,
    parts: [file('input')],
    code: 'UNEXPECTED_FIELD',
    message: /in field "image" but received field "input"/,
  },
  {
    name: 'two files on /classify',
    limits: classify,
    parts: [file('image'), file('image')],
    code: 'TOO_MANY_FILES',
    message: /exactly one/,
  },
  {
    name: '17 files on /process',
    limits: process16,
    parts: Array.from({ length: 17 }, () => file('input')),
    code: 'TOO_MANY_FILES',
    message: /at most 16 files/,
  },
  {
    name: '33 text fields',
    limits: process16,
    parts: [file('input'), ...Array.from({ length: 33 }, (_, i) => text(`f${i}`))],
    code: 'MALFORMED_MULTIPART',
    message: /more than 32 text fields/,
  },
  {
    name: '70 parts',
    limits: { ...process16, maxFiles: 64 },
    parts: [
      ...Array.from({ length: 40 }, () => file('input')),
      ...Array.from({ length: 30 }, (_, i) => text(`f${i}`)),
    ],
    code: 'MALFORMED_MULTIPART',
    message: /more than 64 parts/,
  },
];

describe('readUploads error texts follow the route and the limits', () => {
  it.each(cases)('$name → $code', async ({ limits, parts, code, message }) => {
    const req = parts
      ? (() => {
          const { body, contentType } = multipart(parts);
          return requestOf(body, { 'content-type': contentType });
        })()
      : requestOf(undefined, {});
    const err = await readUploads(req, limits).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
  });
});
