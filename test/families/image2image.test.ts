import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildInvertUpscale, buildLumaUpscale, writeModel } from '../helpers/families.js';
import { json, multipart, postImage } from '../helpers/http.js';
import { buildConvUpscale, gradientImage, writeRocket } from '../helpers/image2image-models.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { startServer, useServer } from '../helpers/server.js';

async function pixelsOf(body: ArrayBuffer | Buffer) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

/** 255 − v as the invert model gives it: computed in float32, truncated like NumPy's uint8 cast (54.99999 → 54). */
const inverted = (v: number) => Math.floor(Math.fround(Math.fround(1 - Math.fround(v / 255)) * 255));

describe('an RGB image-to-image rocket (invert colours, ×2)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeModel(buildInvertUpscale(32)) }));

  it('answers with the image itself: PNG by default, at the model output size', async () => {
    const res = await postImage(server().url, await solidImage([200, 50, 10], 'png', 32));
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('server-timing')).toMatch(/inference;dur=/);
    const { data, info } = await pixelsOf(await res.arrayBuffer());
    expect([info.width, info.height]).toEqual([64, 64]);
    expect([...data.subarray(0, 3)]).toEqual([200, 50, 10].map(inverted));
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

  // The model stretches any upload to 32 × 32 and doubles it: by default the answer keeps the
  // upload's aspect at that scale (2 × the upload), up to the larger of the output's and the
  // upload's pixel counts (64 × 24 → 128 × 48 is shrunk to 4096 pixels); size=model gives 64 × 64.
  it.each([
    ['', [32, 16], [64, 32]],
    ['?size=original', [32, 16], [64, 32]],
    ['?size=original', [64, 24], [104, 39]],
    ['?size=model', [32, 16], [64, 64]],
  ])('%s on a %j upload → %j', async (query, [width, height], size) => {
    const upload = await sharp({ create: { width, height, channels: 3, background: '#3080c0' } })
      .png()
      .toBuffer();
    const { data, info } = await pixelsOf(await (await postImage(server().url, upload, query)).arrayBuffer());
    expect([info.width, info.height]).toEqual(size);
    // The resize keeps a uniform colour.
    expect([...data.subarray(3 * 20, 3 * 20 + 3)]).toEqual([0x30, 0x80, 0xc0].map(inverted));
  });

  it('refuses a size it does not know', async () => {
    const res = await postImage(server().url, await solidImage([0, 0, 0], 'png', 32), '?size=huge');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('INVALID_PARAMETER');
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

describe('an any-size image-to-image rocket (3×3 convolution, ×2), tiled above 40 × 40', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocket(buildConvUpscale(), { image2image: { tile: { maxPixels: 1600, overlap: 8 } } }),
    BATCH_MAX: '4',
  }));

  it('answers at 2 × the upload, whatever its size, with the tile count in the timing', async () => {
    const { png } = await gradientImage(150, 100);
    const body = await json(await postImage(server().url, png, '?format=json'));
    expect(body.output).toMatchObject({ width: 300, height: 200 });
    // ⌈(150 − 8) / 32⌉ = 5 columns × ⌈(100 − 8) / 32⌉ = 3 rows.
    expect(body.timing.tiles).toBe(15);
    const small = await postImage(server().url, (await gradientImage(33, 17)).png);
    const { info } = await pixelsOf(await small.arrayBuffer());
    expect([info.width, info.height]).toEqual([66, 34]);
  });

  it('runs uploads of different sizes in one request, each at its size', async () => {
    const [a, b] = await Promise.all([gradientImage(20, 30, 2), gradientImage(45, 12, 3)]);
    const { body, contentType } = multipart([
      { name: 'input', filename: 'a.png', type: 'image/png', data: a.png },
      { name: 'input', filename: 'b.png', type: 'image/png', data: b.png },
    ]);
    const res = await fetch(`${server().url}/process`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const results = await json(res);
    expect(
      results.map((r: { output: { width: number; height: number } }) => [r.output.width, r.output.height]),
    ).toEqual([
      [40, 60],
      [90, 24],
    ]);
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
