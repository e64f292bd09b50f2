// Bilinear rockets: decoding keeps the whole image, and the worker's atModelSize resizes it with
// the kernels' resizeLinear as the placement says (letterbox, center-crop's window).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/image/decode.js';
import type { Job } from '../../src/inference/messages.js';
import { atModelSize } from '../../src/inference/model-size.js';
import { loadKernels } from '../../src/kernels/index.js';
import { preprocessOf } from '../helpers/preprocess.js';
import { createRandom } from '../helpers/random.js';

const kernels = loadKernels('native');
const [W, H] = [30, 20];
const raw = createRandom(30).bytes(W * H * 3);
const png = () =>
  sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();

/** The job the pipeline makes of a decoded image. */
async function jobFor(over: Parameters<typeof preprocessOf>[0]): Promise<Job> {
  const d = await decodeForModel(await png(), preprocessOf({ width: 16, height: 16, ...over }), 1e6);
  return {
    pixels: new Uint8Array(d.pixels), // as the worker receives them: an ArrayBuffer of their own
    width: d.width,
    height: d.height,
    channels: d.channels,
    original: d.original,
    placement: d.placement,
    thresholds: { confidence: 0.25, iou: 0.7, topk: 5, maxDetections: 300, classAware: true },
    options: {},
    ...(d.unresized ? { unresized: true as const } : {}),
  };
}

describe('bilinear decoding and atModelSize', () => {
  it('decodes a bilinear letterbox at the image’s own size; the worker resizes it with resizeLinear', async () => {
    const job = await jobFor({ interpolation: 'bilinear' });
    expect([job.width, job.height, job.unresized]).toEqual([W, H, true]);
    expect(Buffer.from(job.pixels).equals(Buffer.from(raw))).toBe(true);
    const sized = atModelSize(job, kernels);
    const expected = new Uint8Array(16 * 11 * 3);
    const o = { srcWidth: W, srcHeight: H, channels: 3, dstWidth: 16, dstHeight: 11 };
    kernels.resizeLinear(raw, expected, { ...o, cropLeft: 0, cropTop: 0, cropWidth: 16, cropHeight: 11 });
    expect([sized.width, sized.height, sized.unresized]).toEqual([16, 11, undefined]);
    expect(Array.from(sized.pixels)).toEqual(Array.from(expected));
    // The whole image's memory is let go of at once: its array is detached.
    expect(job.pixels.byteLength).toBe(0);
  });

  it('resizes a bilinear center-crop and keeps the crop window only', async () => {
    const job = await jobFor({ interpolation: 'bilinear', resize: 'center-crop', cropRatio: 0.8 });
    const { resizeWidth, resizeHeight, crop } = job.placement;
    expect([resizeWidth, resizeHeight, crop]).toEqual([30, 20, { left: 7, top: 2, width: 16, height: 16 }]);
    const sized = atModelSize(job, kernels);
    expect([sized.width, sized.height]).toEqual([16, 16]);
    const whole = new Uint8Array(30 * 20 * 3);
    const o = { srcWidth: W, srcHeight: H, channels: 3, dstWidth: 30, dstHeight: 20 };
    kernels.resizeLinear(raw, whole, { ...o, cropLeft: 0, cropTop: 0, cropWidth: 30, cropHeight: 20 });
    const rows = Array.from({ length: 16 }, (_, y) =>
      Array.from(whole.subarray(((y + 2) * 30 + 7) * 3, ((y + 2) * 30 + 23) * 3)),
    );
    expect(Array.from(sized.pixels)).toEqual(rows.flat());
  });

  it('leaves a job that decoding resized (libvips kernels) as it is', async () => {
    const job = await jobFor({ interpolation: 'linear' });
    expect([job.width, job.height, job.unresized]).toEqual([16, 11, undefined]);
    expect(atModelSize(job, kernels)).toBe(job);
  });
});
