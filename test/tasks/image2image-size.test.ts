// The size of an image-to-image answer (`size=original|model`) and the resampling that gives it,
// without a worker.
import { describe, expect, it } from 'vitest';
import type { OutputImage } from '../../src/image/encode.js';
import { referenceKernels } from '../../src/kernels/index.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { image2image } from '../../src/tasks/image2image/family.js';
import { createHead } from '../../src/tasks/image2image/head.js';
import { resampleImage } from '../../src/tasks/image2image/resample.js';
import { answerSize, fitToRequest } from '../../src/tasks/image2image/size.js';
import { imageSpec, jobFor, signature } from './helpers.js';

/** A fixed-size RGB rocket `[1, 3, size, size]` → `[1, 3, out, out]`. */
const fixed = (size: number, out: number) =>
  imageSpec(signature([['input', [1, 3, size, size]]], [['output', [1, 3, out, out]]]));

/** An any-size rocket ×4. */
const anySize = () =>
  imageSpec(signature([['input', ['N', 3, 'H', 'W']]], [['output', ['N', 3, 'H4', 'W4']]]));

/** An image of one colour. */
function solid(width: number, height: number, rgb: number[]): OutputImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rgb, 3 * i);
  return { width, height, channels: 3, pixels };
}

describe('the answer size', () => {
  it('puts a stretched style transfer back at the upload size', () => {
    const spec = fixed(720, 720);
    expect(
      answerSize({ width: 720, height: 720 }, jobFor(spec, { width: 1280, height: 720 }), spec.preprocess),
    ).toEqual({ width: 1280, height: 720 });
  });

  it('keeps a fixed-input upscaler at its scale: 224 → 672 answers 3 × the upload', () => {
    const spec = fixed(224, 672);
    const at = (width: number, height: number) =>
      answerSize({ width: 672, height: 672 }, jobFor(spec, { width, height }), spec.preprocess);
    expect(at(224, 224)).toEqual({ width: 672, height: 672 });
    expect(at(300, 150)).toEqual({ width: 900, height: 450 });
    // 3 × 4000 × 3000 would only enlarge a 672 × 672 output: the upload's pixel count is the most.
    expect(at(4000, 3000)).toEqual({ width: 4000, height: 3000 });
  });

  it("leaves an any-size model's output as it is", () => {
    const spec = anySize();
    const job = { ...jobFor(spec, { width: 300, height: 168 }), width: 300, height: 168 };
    expect(answerSize({ width: 1200, height: 672 }, job, spec.preprocess)).toEqual({
      width: 1200,
      height: 672,
    });
  });

  it('resizes to it by default, and not with size=model', () => {
    const spec = fixed(8, 8);
    const image = solid(8, 8, [10, 200, 30]);
    const original = fitToRequest(image, jobFor(spec, { width: 16, height: 4 }), spec.preprocess);
    expect([original.width, original.height]).toEqual([16, 4]);
    expect(Array.from(original.pixels.subarray(0, 3))).toEqual([10, 200, 30]);
    const model = fitToRequest(
      image,
      jobFor(spec, { width: 16, height: 4 }, {}, { size: 'model' }),
      spec.preprocess,
    );
    expect(model).toBe(image);
  });

  it('is the head: its output follows the job options', () => {
    const spec = fixed(4, 4) as ImageRocketSpec;
    const head = createHead(spec, referenceKernels);
    expect(head.infer).toBeUndefined(); // fixed size: one run, batched
    const outputs = { output: { data: new Float32Array(3 * 16).fill(0.5), dims: [1, 3, 4, 4] } };
    const wide = head.postprocess(outputs, jobFor(spec, { width: 8, height: 2 })).output as OutputImage;
    expect([wide.width, wide.height]).toEqual([8, 2]);
    const own = head.postprocess(outputs, jobFor(spec, { width: 8, height: 2 }, {}, { size: 'model' }))
      .output as OutputImage;
    expect([own.width, own.height]).toEqual([4, 4]);
  });

  it('is a family query parameter, original or model', () => {
    const size = image2image.query?.size?.schema;
    expect(size?.safeParse('model').success).toBe(true);
    expect(size?.safeParse('original').success).toBe(true);
    expect(size?.safeParse('huge').success).toBe(false);
  });
});

describe('resampling an output image', () => {
  it('keeps a uniform colour when enlarging and shrinking', () => {
    for (const [w, h] of [
      [37, 11],
      [3, 2],
    ]) {
      const out = resampleImage(solid(9, 6, [250, 3, 128]), w, h);
      expect([out.width, out.height]).toEqual([w, h]);
      for (let i = 0; i < w * h; i++)
        expect(Array.from(out.pixels.subarray(3 * i, 3 * i + 3))).toEqual([250, 3, 128]);
    }
  });

  it('averages when shrinking (no aliasing): a 1-pixel checkerboard shrunk 4× is mid-grey', () => {
    const board = solid(32, 32, [0, 0, 0]);
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++)
        if ((x + y) % 2) board.pixels.fill(255, 3 * (y * 32 + x), 3 * (y * 32 + x) + 3);
    const out = resampleImage(board, 8, 8);
    for (const v of out.pixels) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(3);
  });

  it('interpolates a ramp smoothly when enlarging, keeping its ends', () => {
    const ramp = solid(5, 1, [0, 0, 0]);
    for (let x = 0; x < 5; x++) ramp.pixels.fill(x * 60, 3 * x, 3 * x + 3);
    const out = resampleImage(ramp, 20, 1);
    const reds = Array.from({ length: 20 }, (_, x) => out.pixels[3 * x] as number);
    for (let x = 1; x < 20; x++) expect(reds[x]).toBeGreaterThanOrEqual(reds[x - 1] as number);
    expect(reds[0]).toBeLessThanOrEqual(5);
    expect(reds[19]).toBeGreaterThanOrEqual(235);
  });
});
