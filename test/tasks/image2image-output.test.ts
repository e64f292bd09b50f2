// Image-to-image outputs without a worker: toOutputImage (rgb and y modes, channel order,
// denormalisation, truncation), splitLuma, the family's head and its JSON form (base64 PNG).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { OutputImage } from '../../src/image/encode.js';
import type { Job } from '../../src/inference/messages.js';
import { referenceKernels } from '../../src/kernels/index.js';
import type { ManifestContext } from '../../src/rocket/infer.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { image2image } from '../../src/tasks/image2image/family.js';
import { createHead } from '../../src/tasks/image2image/head.js';
import {
  type Chroma,
  type Image2ImageHead,
  OutputCanvas,
  splitLuma,
  toOutputImage,
} from '../../src/tasks/image2image/output.js';
import { imageSpec, jobFor, signature } from './helpers.js';

/** An RGB image-to-image rocket [1, 3, 2, 2] → [1, 3, 4, 4], with the manifest's preprocessing. */
const rgbSpec = (preprocess: NonNullable<ManifestContext['manifest']>['preprocess'] = {}) =>
  imageSpec(signature([['input', [1, 3, 2, 2]]], [['output', [1, 3, 4, 4]]]), {
    manifest: { model: 'm.onnx', preprocess },
  }) as ImageRocketSpec<Image2ImageHead>;

/** A Y-channel rocket [1, 1, 4, 4] → [1, 1, 8, 8]. */
const lumaSpec = () =>
  imageSpec(
    signature([['input', [1, 1, 4, 4]]], [['output', [1, 1, 8, 8]]]),
  ) as ImageRocketSpec<Image2ImageHead>;

/** HWC pixels as [r, g, b] triples. */
const triples = (image: OutputImage) =>
  Array.from({ length: image.width * image.height }, (_, i) =>
    Array.from(image.pixels.subarray(3 * i, 3 * i + 3)),
  );

/** A decoded RGB job of `width × height` pixels of one colour. */
function uniformJob(spec: ImageRocketSpec, width: number, height: number, rgb: number[]): Job {
  const job = jobFor(spec, { width, height });
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rgb, 3 * i);
  return { ...job, pixels, width, height, channels: 3 };
}

describe('toOutputImage, rgb mode', () => {
  it('reads [C, H, W] planes into HWC RGB bytes: ×255, clipped to 0..255 and truncated', () => {
    const spec = rgbSpec();
    expect(spec.head.mode).toBe('rgb');
    // Two pixels (H 1, W 2): R plane, G plane, B plane.
    const values = Float32Array.from([0.5, 1.2, 0.25, -0.1, 1, 0]);
    const image = toOutputImage(values, [1, 3, 1, 2], spec);
    expect(image).toMatchObject({ width: 2, height: 1, channels: 3 });
    expect(triples(image)).toEqual([
      [127, 63, 255], // 127.5 and 63.75 truncated, not rounded
      [255, 0, 0],
    ]);
  });

  it('truncates 0.999 × 255 = 254.7 to 254 (NumPy uint8 cast), and takes the batch dimension off', () => {
    const image = toOutputImage(Float32Array.from([0.999, 0.999, 0.999]), [1, 3, 1, 1], rgbSpec());
    expect(triples(image)).toEqual([[254, 254, 254]]);
    // The same image without a batch dimension.
    expect(toOutputImage(Float32Array.from([0.999, 0.999, 0.999]), [3, 1, 1], rgbSpec()).pixels).toEqual(
      image.pixels,
    );
  });

  it('puts channel 0 of a BGR model in blue', () => {
    const spec = rgbSpec({ channelOrder: 'bgr' });
    const image = toOutputImage(Float32Array.from([1, 0.5, 0]), [1, 3, 1, 1], spec);
    expect(triples(image)).toEqual([[0, 127, 255]]);
  });

  it('inverts the input normalisation: (value × std + mean) / scale', () => {
    const spec = rgbSpec({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    // Pixel 0: value 0 → mean × 255; pixel 1: value 1 → (std + mean) × 255.
    const image = toOutputImage(Float32Array.from([0, 1, 0, 1, 0, 1]), [1, 3, 1, 2], spec);
    expect(triples(image)).toEqual([
      [123, 116, 103], // 123.675, 116.28, 103.53
      [182, 173, 160], // 182.07, 173.4, 160.905
    ]);
  });

  it('reads 0..255 outputs of a scale-1 model as they are', () => {
    const spec = rgbSpec({ scale: 1 });
    const image = toOutputImage(Float32Array.from([12.9, 300, -4]), [1, 3, 1, 1], spec);
    expect(triples(image)).toEqual([[12, 255, 0]]);
  });

  it('reads a BGR model at 0..255 (style transfer): channels reversed, values as they are, clipped', () => {
    const spec = rgbSpec({ channelOrder: 'bgr', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] });
    // One pixel, planes B, G, R: the candy model's output runs about −44..273.
    const image = toOutputImage(Float32Array.from([-44, 128.7, 273]), [1, 3, 1, 1], spec);
    expect(triples(image)).toEqual([[255, 128, 0]]);
  });

  it('writes the same image a band of rows at a time as whole (tiles finish bands)', () => {
    const spec = rgbSpec({ channelOrder: 'bgr' });
    const values = Float32Array.from({ length: 3 * 5 * 4 }, (_, i) => ((i * 37) % 101) / 100);
    const whole = toOutputImage(values, [1, 3, 5, 4], spec);
    const canvas = new OutputCanvas(spec, 4, 5, 3);
    for (const [top, rows] of [
      [0, 2],
      [2, 1],
      [3, 2],
    ] as const) {
      canvas.write(top, rows, (i, k) => values[k * 20 + top * 4 + i] as number);
    }
    expect(canvas.image.pixels).toEqual(whole.pixels);
  });

  // The family recognises NHWC models (input [1, H, W, 3], output [1, H', W', 3]): their output is
  // read as [H, W, C], not as a 3-pixel-wide image of "2 channels".
  it('reads the output of an NHWC model as [H, W, C]', () => {
    const spec = imageSpec(
      signature([['input', [1, 2, 2, 3]]], [['output', [1, 2, 2, 3]]]),
    ) as ImageRocketSpec<Image2ImageHead>;
    expect(spec.preprocess.layout).toBe('nhwc');
    const hwc = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    const image = toOutputImage(hwc, [1, 2, 2, 3], spec);
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from(image.pixels)).toEqual(Array.from(hwc, (v) => Math.floor(v * 255)));
  });

  // A colour model with a one-channel output (image2image, rgb mode) gives grey, not red only.
  it('shows a one-channel output of a colour model as grey, not red', () => {
    const spec = imageSpec(
      signature([['input', [1, 3, 2, 2]]], [['output', [1, 1, 2, 2]]]),
    ) as ImageRocketSpec<Image2ImageHead>;
    expect(spec.head.mode).toBe('rgb');
    const image = toOutputImage(Float32Array.from([0.5, 0.5, 0.5, 0.5]), [1, 1, 2, 2], spec);
    expect(triples(image)[0]).toEqual([127, 127, 127]);
  });
});

describe('splitLuma and the y mode', () => {
  it('replaces an RGB job by its Y plane (JFIF weights, rounded) and keeps Cb and Cr', () => {
    const spec = lumaSpec();
    const job: Job = {
      ...jobFor(spec, { width: 2, height: 1 }),
      pixels: Uint8Array.from([255, 0, 0, 0, 0, 255]),
    };
    const { job: luma, state } = splitLuma({ ...job, width: 2, height: 1, channels: 3 });
    expect(luma.channels).toBe(1);
    expect(Array.from(luma.pixels)).toEqual([76, 29]); // 76.245, 29.07
    expect(luma.original).toEqual(job.original);
    expect(state).toMatchObject({ width: 2, height: 1 });
    expect(state.cb[0]).toBeCloseTo(128 - 0.168736 * 255, 3);
    expect(state.cr[0]).toBeCloseTo(128 + 0.5 * 255, 3);
    expect(state.cb[1]).toBeCloseTo(128 + 0.5 * 255, 3);
  });

  it('merges the Y output with the input chroma, upscaled: a uniform colour stays that colour', () => {
    const spec = lumaSpec();
    expect(spec.head.mode).toBe('y');
    const colour = [200, 100, 50];
    const { job, state } = splitLuma(uniformJob(spec, 4, 4, colour));
    // An identity model at twice the size: Y / 255 at 8×8.
    const y = (job.pixels[0] as number) / 255;
    const image = toOutputImage(new Float32Array(64).fill(y), [1, 1, 8, 8], spec, state);
    expect(image).toMatchObject({ width: 8, height: 8, channels: 3 });
    for (const pixel of triples(image)) {
      pixel.forEach((v, c) => {
        expect(Math.abs(v - (colour[c] as number))).toBeLessThanOrEqual(2);
      });
    }
  });

  it('needs the chroma in y mode', () => {
    expect(() => toOutputImage(new Float32Array(4), [1, 1, 2, 2], lumaSpec())).toThrow(/chroma/);
  });

  it('a grey input keeps a grey output (Cb = Cr = 128)', () => {
    const spec = lumaSpec();
    const { job, state } = splitLuma(uniformJob(spec, 2, 2, [90, 90, 90]));
    expect(Array.from(job.pixels)).toEqual([90, 90, 90, 90]);
    const image = toOutputImage(new Float32Array(16).fill(0.5), [1, 1, 4, 4], spec, state as Chroma);
    for (const pixel of triples(image)) expect(pixel).toEqual([127, 127, 127]);
  });
});

describe('the image2image family', () => {
  it('decodes Y-channel uploads as RGB (the worker computes the luma)', () => {
    const spec = lumaSpec();
    expect(spec.preprocess.channelOrder).toBe('gray');
    expect(image2image.decodeAs?.(spec)).toMatchObject({ channelOrder: 'rgb' });
    expect(image2image.decodeAs?.(rgbSpec({ channelOrder: 'bgr' }))).toMatchObject({ channelOrder: 'bgr' });
  });

  it('rgb head: no prepare; postprocess gives the image; its pixels are transferred', () => {
    const spec = rgbSpec();
    const head = createHead(spec, referenceKernels);
    expect(head.prepare).toBeUndefined();
    const fields = head.postprocess(
      { output: { data: new Float32Array(3 * 4 * 4).fill(0.5), dims: [1, 3, 4, 4] } },
      jobFor(spec, { width: 2, height: 2 }),
    );
    const output = fields.output as OutputImage;
    expect(output).toMatchObject({ width: 4, height: 4, channels: 3 });
    expect(output.pixels.every((v) => v === 127)).toBe(true);
    expect(head.transfer?.(fields)).toEqual([output.pixels.buffer]);
  });

  it('y head: prepare splits the luma, postprocess merges the chroma back', () => {
    const spec = lumaSpec();
    const head = createHead(spec, referenceKernels);
    expect(head.prepare).toBe(splitLuma);
    const prepare = head.prepare as typeof splitLuma;
    const { job, state } = prepare(uniformJob(spec, 4, 4, [30, 160, 220]));
    expect(job.channels).toBe(1);
    const y = (job.pixels[0] as number) / 255;
    const output = head.postprocess(
      { output: { data: new Float32Array(64).fill(y), dims: [1, 1, 8, 8] } },
      job,
      state,
    ).output as OutputImage;
    expect(output.width).toBe(8);
    const [first] = triples(output);
    first?.forEach((v, c) => {
      expect(Math.abs(v - ([30, 160, 220][c] as number))).toBeLessThanOrEqual(2);
    });
  });

  it('answers with an image by default, in png, jpeg or webp', async () => {
    expect(image2image.defaultsToImage).toBe(true);
    expect(Object.keys(image2image.renderers).sort()).toEqual(['jpeg', 'png', 'webp']);
    const output: OutputImage = {
      width: 2,
      height: 1,
      channels: 3,
      pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]),
    };
    const rendered = await image2image.renderers.png?.({
      spec: rgbSpec(),
      upload: new Uint8Array(),
      fields: { output },
      maxPixels: 1e6,
      options: {},
    });
    expect(rendered?.contentType).toBe('image/png');
    expect(rendered?.body.subarray(1, 4).toString()).toBe('PNG');
    const jpeg = await image2image.renderers.jpeg?.({
      spec: rgbSpec(),
      upload: new Uint8Array(),
      fields: { output },
      maxPixels: 1e6,
      options: {},
    });
    expect(jpeg?.contentType).toBe('image/jpeg');
  });

  it('toJson: the image as base64 PNG with its size, lossless', async () => {
    const pixels = Uint8Array.from({ length: 3 * 3 * 2 }, (_, i) => (i * 37) % 256);
    const output: OutputImage = { width: 3, height: 2, channels: 3, pixels };
    const json = (await image2image.toJson?.({ output }, {})) as {
      output: { width: number; height: number; contentType: string; data: string };
    };
    expect(json.output).toMatchObject({ width: 3, height: 2, contentType: 'image/png' });
    expect(json.output.data).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const png = Buffer.from(json.output.data, 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 3, height: 2, channels: 3, format: 'raw' });
    expect(Array.from(data)).toEqual(Array.from(pixels));
  });
});
