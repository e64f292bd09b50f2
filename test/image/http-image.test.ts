import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, postImage } from '../helpers/http.js';
import { writeColourRocket } from '../helpers/models.js';
import { useServer } from '../helpers/server.js';
import { encodeBmp } from './bmp-encode.js';
import { awayFrom, insideEdge, meanDiff, rgbOf } from './pixels.js';

const labels = (body: { detections: { label: string }[] }) => body.detections.map((d) => d.label).sort();

describe('POST /process: format=image and BMP uploads (demo rocket)', () => {
  const server = useServer('npm start server');
  let png: Buffer;
  beforeAll(async () => {
    png = await renderDemoScene(demoScenes.shapes, { format: 'png' });
  });

  it('format=image answers the JPEG with the boxes drawn, at the upload’s size', async () => {
    const boxes = (await json(await postImage(server().url, png))).detections.map(
      (d: { box: object }) => d.box,
    );
    const res = await postImage(server().url, png, '?format=image&confidence=0.5');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    const [before, after] = await Promise.all([rgbOf(png), rgbOf(body)]);
    expect([after.width, after.height]).toEqual([640, 480]);
    expect(boxes).toHaveLength(3);
    for (const box of boxes) expect(meanDiff(after, before, insideEdge(box, 1))).toBeGreaterThan(25);
    expect(meanDiff(after, before, awayFrom(boxes))).toBeLessThan(4);
  });

  it('a BMP upload gives the same detections as the PNG of the same pixels', async () => {
    const raw = await rgbOf(png);
    const expected = labels(await json(await postImage(server().url, png)));
    for (const options of [{ bpp: 24 }, { bpp: 32, topDown: true }, { bpp: 24, headerSize: 124 }] as const) {
      const bmp = encodeBmp({ width: 640, height: 480, rgb: raw.data }, options);
      const res = await postImage(server().url, bmp, '', '8.bmp');
      expect(res.status, JSON.stringify(options)).toBe(200);
      const body = await json(res);
      expect(body.image).toEqual({ width: 640, height: 480 });
      expect(labels(body)).toEqual(expected);
    }
  });

  it('a corrupt BMP is 422 IMAGE_UNDECODABLE, an oversized one 422 IMAGE_TOO_LARGE', async () => {
    const bmp = encodeBmp({ width: 8, height: 8, rgb: new Uint8Array(192) }, { bpp: 24 });
    const cut = await postImage(server().url, bmp.subarray(0, 100), '', 'cut.bmp');
    expect(cut.status).toBe(422);
    expect((await json(cut)).error.code).toBe('IMAGE_UNDECODABLE');
    const huge = Buffer.from(bmp);
    huge.writeInt32LE(50_000, 18);
    huge.writeInt32LE(50_000, 22);
    const big = await postImage(server().url, huge, '', 'huge.bmp');
    expect(big.status).toBe(422);
    expect((await json(big)).error.code).toBe('IMAGE_TOO_LARGE');
  });

  it('format must be one the rocket can answer', async () => {
    for (const [value, why] of [
      ['gif', /^Expected one of json, image(, \w+)* for format but received "gif"$/],
      ['png', /^Expected json or image for a detect rocket for format but received "png"$/],
    ] as const) {
      const res = await postImage(server().url, png, `?format=${value}`);
      expect(res.status).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe('INVALID_PARAMETER');
      expect(error.message).toMatch(why);
    }
  });
});

describe('format=image on a classify rocket', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeColourRocket() }));

  it('is 400 INVALID_PARAMETER saying why', async () => {
    const png = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const res = await postImage(server().url, png, '?format=image');
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('INVALID_PARAMETER');
    expect(error.message).toMatch(/^Expected json for a classify rocket for format but received "image"$/);
  });
});
