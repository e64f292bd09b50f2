import { describe, expect, it } from 'vitest';
import { json, postImage } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';
import { encodeHeicHeader } from './heic-encode.js';

const square = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="100%" height="100%" fill="#888"/></svg>',
);

describe('POST /process: image formats (demo rocket)', () => {
  const server = useServer('npm start server');

  it.each([
    ['an SVG', square, 'a.svg'],
    ['a HEIC photo', encodeHeicHeader(640, 480), 'a.heic'],
  ])('answers %s 415 UNSUPPORTED_IMAGE_FORMAT', async (_name, body, filename) => {
    const res = await postImage(server().url, body, '', filename);
    expect(res.status).toBe(415);
    expect((await json(res)).error.code).toBe('UNSUPPORTED_IMAGE_FORMAT');
  });
});

describe('POST /process with ALLOW_SVG=true', () => {
  const server = useServer('npm start server', { ALLOW_SVG: 'true' });

  it('decodes an SVG at its declared size', async () => {
    const res = await postImage(server().url, square, '', 'a.svg');
    expect(res.status).toBe(200);
    expect((await json(res)).image).toEqual({ width: 320, height: 240 });
  });
});
