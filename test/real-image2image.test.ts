// Real image-to-image models from ../shared against their known answers (../shared/README.md):
// the "candy" style transfer (BGR, 0..255) and Real-ESRGAN ×4 at the image's own size, whole and
// in tiles.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { json, postImage } from './helpers/http.js';
import { writeRocket } from './helpers/image2image-models.js';
import { useServer } from './helpers/server.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';
import { rgbOf } from './image/pixels.js';

noteIfNoShared('the real image-to-image models');

/** Raw RGB of an encoded answer. */
async function answer(res: Response): Promise<{ data: Buffer; width: number; height: number }> {
  expect(res.status).toBe(200);
  return rgbOf(Buffer.from(await res.arrayBuffer()));
}

/** The mean of each RGB channel. */
function channelMeans({ data }: { data: Buffer }): number[] {
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i++) sums[i % 3] += data[i] as number;
  return sums.map((s) => s / (data.length / 3));
}

/** OpenCV's INTER_AREA downscale by a whole factor: the mean of each `factor × factor` block. */
function boxDownscale(image: { data: Buffer; width: number; height: number }, factor: number) {
  const width = image.width / factor;
  const height = image.height / factor;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++) {
            sum += image.data[3 * ((y * factor + dy) * image.width + x * factor + dx) + c] as number;
          }
        }
        data[3 * (y * width + x) + c] = Math.round(sum / (factor * factor));
      }
    }
  }
  return { data, width, height };
}

/** PSNR in dB of two same-size RGB images. */
function psnr(a: { data: Buffer }, b: { data: Buffer }): number {
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += ((a.data[i] as number) - (b.data[i] as number)) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.data.length));
}

describe.skipIf(!hasShared)('style transfer "candy" (BGR 0..255 in and out)', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocket(shared('models', 'image2image', 'style_candy_720_bgr.onnx'), {
      preprocess: { channelOrder: 'bgr', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    }),
  }));
  const zidane = hasShared ? readFileSync(shared('images', 'zidane.jpg')) : Buffer.alloc(0);

  it('gives the known channel means on zidane.jpg at 720 × 720 (size=model), within 2 grey levels', async () => {
    const image = await answer(await postImage(server().url, zidane, '?size=model'));
    expect([image.width, image.height]).toEqual([720, 720]);
    const [r, g, b] = channelMeans(image);
    console.log(`candy on zidane.jpg: B/G/R means ${[b, g, r].map((m) => m?.toFixed(1)).join(' / ')}`);
    // ../shared/README.md: B / G / R 114.4 / 134.3 / 171.2 after clipping.
    expect(Math.abs((b as number) - 114.4)).toBeLessThanOrEqual(2);
    expect(Math.abs((g as number) - 134.3)).toBeLessThanOrEqual(2);
    expect(Math.abs((r as number) - 171.2)).toBeLessThanOrEqual(2);
  });

  it("answers at the upload's size by default, the same picture resized", async () => {
    const image = await answer(await postImage(server().url, zidane));
    expect([image.width, image.height]).toEqual([1280, 720]);
    const model = await answer(await postImage(server().url, zidane, '?size=model'));
    const [a, b] = [channelMeans(image), channelMeans(model)];
    for (let c = 0; c < 3; c++) expect(Math.abs((a[c] as number) - (b[c] as number))).toBeLessThanOrEqual(1);
  });
});

describe.skipIf(!hasShared)('Real-ESRGAN ×4 (any size), zero config', () => {
  const model = shared('models', 'image2image', 'realesr_animevideov3_x4.onnx');
  const whole = useServer('npm start server', { ROCKET_URL: model });
  // 96 × 96 tiles sharing 32 pixels: ⌈(300 − 32) / 64⌉ = 5 columns × ⌈(168 − 32) / 64⌉ = 3 rows.
  const tiled = useServer('npm start server', () => ({
    ROCKET_URL: writeRocket(model, { image2image: { tile: { maxPixels: 96 * 96, overlap: 32 } } }),
  }));
  const cat = hasShared ? readFileSync(shared('images', 'tabby_cat_small.jpg')) : Buffer.alloc(0);

  it('tabby_cat_small.jpg (300 × 168) → 1200 × 672, whose 4 × 4 area downscale has PSNR ≥ 33 dB', async () => {
    const image = await answer(await postImage(whole().url, cat));
    expect([image.width, image.height]).toEqual([1200, 672]);
    const input = await rgbOf(cat);
    expect([input.width, input.height]).toEqual([300, 168]);
    const value = psnr(boxDownscale(image, 4), input);
    console.log(`Real-ESRGAN tabby_cat_small.jpg: PSNR ${value.toFixed(2)} dB (README: 33.7)`);
    expect(value).toBeGreaterThanOrEqual(33);
  });

  it('in 15 tiles matches the whole-image output within 1 grey level away from the borders', async () => {
    const res = await postImage(tiled().url, cat, '?format=json');
    const body = await json(res);
    expect(body.timing.tiles).toBe(15);
    const ours = await rgbOf(Buffer.from(body.output.data, 'base64'));
    const reference = await answer(await postImage(whole().url, cat));
    let most = 0;
    const margin = 16;
    for (let y = margin; y < ours.height - margin; y++) {
      for (let x = margin; x < ours.width - margin; x++) {
        for (let c = 0; c < 3; c++) {
          const i = 3 * (y * ours.width + x) + c;
          most = Math.max(most, Math.abs((ours.data[i] as number) - (reference.data[i] as number)));
        }
      }
    }
    console.log(`Real-ESRGAN tiled (15) vs whole: max difference ${most} grey level(s)`);
    expect(most).toBeLessThanOrEqual(1);
  });
});
