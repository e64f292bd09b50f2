// Any-size rockets (resize none) through the worker's image runner and onnxruntime, in-process:
// images at their own size, tiles blended into what the whole image gives, the tile count in the
// timing, and images of different sizes never sharing a batch.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/image/decode.js';
import type { OutputImage } from '../../src/image/encode.js';
import { blankJob, createImageRunner } from '../../src/inference/image-runner.js';
import type { Job } from '../../src/inference/messages.js';
import { referenceKernels } from '../../src/kernels/index.js';
import { loadRocketSpec } from '../../src/rocket/load.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import * as classifyHead from '../../src/tasks/classify/head.js';
import * as image2imageHead from '../../src/tasks/image2image/head.js';
import type { ImageHeadModule } from '../../src/tasks/types.js';
import {
  buildAnySizeLuma,
  buildConvUpscale,
  buildMeanColour,
  gradientImage,
  writeRocket,
} from '../helpers/image2image-models.js';
import { solidImage } from '../helpers/models.js';
import { THRESHOLDS } from './helpers.js';

/** An image rocket from a directory, and a runner of it on onnxruntime (reference kernels). */
async function runnerOf(dir: string, head: ImageHeadModule, batchMax = 1) {
  const spec = (await loadRocketSpec(dir, true)) as ImageRocketSpec;
  const session = await ort.InferenceSession.create(spec.modelPath);
  return { spec, run: createImageRunner(session, spec, head, referenceKernels, batchMax) };
}

/** An upload decoded as the pipeline decodes it, as a job. */
async function jobOf(spec: ImageRocketSpec, bytes: Uint8Array, head: ImageHeadModule): Promise<Job> {
  const image = await decodeForModel(bytes, head.decodeAs?.(spec) ?? spec.preprocess, 1e8);
  return { ...image, thresholds: THRESHOLDS, options: {} };
}

/** The largest difference of two same-size images, over pixels at least `margin` from the border. */
function maxDifference(a: OutputImage, b: OutputImage, margin: number): number {
  let most = 0;
  for (let y = margin; y < a.height - margin; y++) {
    for (let x = margin; x < a.width - margin; x++) {
      for (let c = 0; c < 3; c++) {
        const i = 3 * (y * a.width + x) + c;
        most = Math.max(most, Math.abs((a.pixels[i] as number) - (b.pixels[i] as number)));
      }
    }
  }
  return most;
}

describe('an any-size image-to-image rocket (3×3 convolution, ×2)', () => {
  const model = buildConvUpscale();

  it('runs each image at its own size: no resize, zero config', async () => {
    const { spec, run } = await runnerOf(writeRocket(model), image2imageHead);
    expect(spec.preprocess).toMatchObject({ resize: 'none', width: 0, height: 0 });
    expect(blankJob(spec, image2imageHead)).toMatchObject({ width: 64, height: 64 });
    const { png } = await gradientImage(57, 31);
    const { results, timing } = await run([await jobOf(spec, png, image2imageHead)]);
    expect(results[0]?.output).toMatchObject({ width: 114, height: 62 });
    expect(timing.tiles).toBe(1);
  });

  it('blends tiles into what the whole image gives, within 1 grey level, and counts them', async () => {
    const { png } = await gradientImage(150, 100, 3);
    const whole = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 0 } } }),
      image2imageHead,
    );
    // 40 × 40 tiles sharing 8 pixels: ⌈(150 − 8) / 32⌉ = 5 columns, ⌈(100 − 8) / 32⌉ = 3 rows.
    const tiled = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 1600, overlap: 8 } } }),
      image2imageHead,
    );
    const a = await whole.run([await jobOf(whole.spec, png, image2imageHead)]);
    const b = await tiled.run([await jobOf(tiled.spec, png, image2imageHead)]);
    expect([a.timing.tiles, b.timing.tiles]).toEqual([1, 15]);
    const [ours, reference] = [b.results[0]?.output as OutputImage, a.results[0]?.output as OutputImage];
    expect([ours.width, ours.height]).toEqual([300, 200]);
    expect(maxDifference(ours, reference, 0)).toBeLessThanOrEqual(1);
  });

  it('refuses an image whose output would exceed image2image.maxOutputPixels: IMAGE_TOO_LARGE, before it is made', async () => {
    const { png } = await gradientImage(150, 100, 3);
    const { spec, run } = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 1600, overlap: 8 }, maxOutputPixels: 59_999 } }),
      image2imageHead,
    );
    const err = await run([await jobOf(spec, png, image2imageHead)]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect((err as Error).message).toContain('300×200 output (60000 pixels)');
    // At the limit it is made.
    const at = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 1600, overlap: 8 }, maxOutputPixels: 60_000 } }),
      image2imageHead,
    );
    const { results } = await at.run([await jobOf(at.spec, png, image2imageHead)]);
    expect(results[0]?.output).toMatchObject({ width: 300, height: 200 });
  });

  it('refuses an image run whole (no tiling) by the output scale its warm-up showed', async () => {
    const { png } = await gradientImage(150, 100, 3);
    const { spec, run } = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 0 }, maxOutputPixels: 59_999 } }),
      image2imageHead,
    );
    await run([blankJob(spec, image2imageHead)]);
    const err = await run([await jobOf(spec, png, image2imageHead)]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('blending matters: tiles sharing nothing leave seams the feathered ones do not', async () => {
    // Two tiles of 40 over 40 + 32 pixels would share 8; at overlap 0 their edges (zero padding) show.
    const { png } = await gradientImage(80, 30, 5);
    const whole = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 0 } } }),
      image2imageHead,
    );
    const seams = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 1200, overlap: 0 } } }),
      image2imageHead,
    );
    const a = await whole.run([await jobOf(whole.spec, png, image2imageHead)]);
    const b = await seams.run([await jobOf(seams.spec, png, image2imageHead)]);
    expect(b.timing.tiles).toBe(2);
    expect(
      maxDifference(b.results[0]?.output as OutputImage, a.results[0]?.output as OutputImage, 2),
    ).toBeGreaterThan(10);
  });

  it('refuses tiles that cannot hold their overlaps', async () => {
    await expect(
      loadRocketSpec(writeRocket(model, { image2image: { tile: { maxPixels: 1024, overlap: 16 } } }), true),
    ).rejects.toMatchObject({ code: 'ROCKET_INVALID', message: expect.stringContaining('maxPixels 1024') });
  });
});

describe('an any-size Y-channel rocket (nearest ×2), in tiles', () => {
  it('merges the chroma of each band into the same image the whole run gives', async () => {
    const model = buildAnySizeLuma();
    const { png } = await gradientImage(90, 50, 4);
    const whole = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 0 } } }),
      image2imageHead,
    );
    const tiled = await runnerOf(
      writeRocket(model, { image2image: { tile: { maxPixels: 900, overlap: 4 } } }),
      image2imageHead,
    );
    expect(tiled.spec.head).toMatchObject({ mode: 'y' });
    const a = await whole.run([await jobOf(whole.spec, png, image2imageHead)]);
    const b = await tiled.run([await jobOf(tiled.spec, png, image2imageHead)]);
    // 30 × 30 tiles sharing 4: ⌈86 / 26⌉ = 4 columns × ⌈46 / 26⌉ = 2 rows.
    expect(b.timing.tiles).toBe(8);
    const [ours, reference] = [b.results[0]?.output as OutputImage, a.results[0]?.output as OutputImage];
    expect([ours.width, ours.height]).toEqual([180, 100]);
    expect(maxDifference(ours, reference, 0)).toBeLessThanOrEqual(1);
  });
});

describe('an any-size classifier (mean colour) with resize none', () => {
  it('runs images of different sizes in one call as separate batches, each at its size', async () => {
    const dir = writeRocket(buildMeanColour(), {
      task: 'classify',
      labels: 'labels.txt',
      preprocess: { resize: 'none', mean: [0, 0, 0], std: [1, 1, 1] },
      output: { format: 'logits' },
    });
    writeFileSync(join(dir, 'labels.txt'), 'red\ngreen\nblue\n');
    const { spec, run } = await runnerOf(dir, classifyHead, 4);
    const red = await jobOf(spec, await solidImage([250, 10, 10], 'png', 24), classifyHead);
    const blue = await jobOf(spec, await solidImage([10, 10, 250], 'png', 40), classifyHead);
    expect([red.width, blue.width]).toEqual([24, 40]);
    const { results, timing } = await run([red, blue, red]);
    const labels = results.map((r) => (r.predictions as { label: string }[])[0]?.label);
    expect(labels).toEqual(['red', 'blue', 'red']);
    expect(timing.tiles).toBeUndefined();
  });

  it('is refused for a model of fixed size', async () => {
    const dir = writeRocket(buildConvUpscale(), { preprocess: { resize: 'none', size: 32 } });
    await expect(loadRocketSpec(dir, true)).rejects.toMatchObject({
      code: 'ROCKET_INVALID',
      message: expect.stringContaining('preprocess.resize none'),
    });
  });
});
