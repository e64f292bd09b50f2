import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildInvertUpscale, buildLumaUpscale, writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { startServer, useServer } from '../helpers/server.js';

async function pixelsOf(body: ArrayBuffer | Buffer) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

describe('an RGB image-to-image rocket (invert colours, ×2)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeModel(buildInvertUpscale(32)) }));

  it('answers with the image itself: PNG by default, at the model output size', async () => {
    const res = await postImage(server().url, await solidImage([200, 50, 10], 'png', 64));
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('server-timing')).toMatch(/inference;dur=/);
    const { data, info } = await pixelsOf(await res.arrayBuffer());
    expect([info.width, info.height]).toEqual([64, 64]);
    // 255 − (200, 50, 10), computed in float32 and truncated like NumPy's uint8 cast: 54.99999 → 54.
    const expected = [200, 50, 10].map((v) =>
      Math.floor(Math.fround(Math.fround(1 - Math.fround(v / 255)) * 255)),
    );
    expect([...data.subarray(0, 3)]).toEqual(expected);
  });

  it.each([
    ['?format=jpeg', {}, 'image/jpeg'],
    ['?format=webp', {}, 'image/webp'],
    ['', { accept: 'image/webp,image/png;q=0.8' }, 'image/webp'],
    ['', { accept: 'image/jpeg' }, 'image/jpeg'],
  ])('%s %j → %s', async (query, headers, type) => {
    const res = await postImage(
      server().url,
      await solidImage([10, 10, 10], 'png', 32),
      query,
      'x.png',
      headers,
    );
    expect(res.headers.get('content-type')).toBe(type);
    const { info } = await pixelsOf(await res.arrayBuffer());
    expect(info.width).toBe(64);
  });

  it('gives JSON with a base64 PNG on format=json, and refuses format=image', async () => {
    const body = await json(
      await postImage(server().url, await solidImage([0, 0, 0], 'png', 32), '?format=json'),
    );
    expect(body).toMatchObject({
      task: 'image2image',
      output: { width: 64, height: 64, contentType: 'image/png' },
    });
    const { data } = await pixelsOf(Buffer.from(body.output.data, 'base64'));
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]);
    const refused = await postImage(server().url, await solidImage([0, 0, 0], 'png', 32), '?format=image');
    expect(refused.status).toBe(400);
  });
});

describe('a Y-channel image-to-image rocket (the super-resolution convention, ×3)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeModel(buildLumaUpscale(16)) }));

  it('runs the model on Y and upscales Cb/Cr, so colours survive', async () => {
    const res = await postImage(server().url, await solidImage([200, 60, 30], 'png', 16));
    const { data, info } = await pixelsOf(await res.arrayBuffer());
    expect([info.width, info.height, info.channels]).toEqual([48, 48, 3]);
    const [r, g, b] = [...data.subarray(3 * (24 * 48 + 24), 3 * (24 * 48 + 24) + 3)];
    expect(Math.abs((r as number) - 200)).toBeLessThanOrEqual(2);
    expect(Math.abs((g as number) - 60)).toBeLessThanOrEqual(2);
    expect(Math.abs((b as number) - 30)).toBeLessThanOrEqual(2);
  });
});

describe('preprocess.invert (dark-on-light digits for a light-on-dark model)', () => {
  it('feeds 255 − pixel: a white image through an inverting manifest classifies as black would', async () => {
    const dir = writeColourRocket({ preprocess: { invert: true } });
    const server = await startServer('npm start server', { ROCKET_URL: dir });
    try {
      // Cyan (0, 255, 255) inverted is red (255, 0, 0).
      const body = await json(await postImage(server.url, await solidImage([0, 255, 255]), '', 'c.png'));
      expect(body.predictions[0].label).toBe('red');
    } finally {
      await server.stop();
    }
  });
});
