import { resizeBicubic } from '../image/bicubic.js';
import { clampByte, rgbToYcbcr, truncateByte, ycbcrToRgb } from '../image/ycbcr.js';
import type { Job } from '../inference/messages.js';
import type { ImageRocketSpec, Preprocess } from '../rocket/types.js';
import type { OutputImage } from './results.js';

/**
 * How uploads are decoded for a rocket: its own preprocessing, except that Y-channel models take
 * an RGB decode whose luma the worker computes (JFIF weights).
 */
export function decodePreprocess(spec: ImageRocketSpec): Preprocess {
  return spec.image2image?.mode === 'y' ? { ...spec.preprocess, channelOrder: 'rgb' } : spec.preprocess;
}

/**
 * For Y-channel models: replaces the decoded RGB job by its Y plane (1 channel), the input the
 * model takes, and returns the Cb/Cr planes to merge back after inference.
 */
export function splitLuma(job: Job): { luma: Job; cb: Float32Array; cr: Float32Array } {
  const pixels = job.width * job.height;
  const { y, cb, cr } = rgbToYcbcr(job.pixels, pixels);
  const bytes = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) bytes[i] = clampByte(y[i] as number);
  return { luma: { ...job, pixels: bytes, channels: 1 }, cb, cr };
}

/**
 * Turns one image of an image-to-image output (`[C, H, W]` floats, C = 3 or 1) into RGB bytes,
 * inverting the input normalisation: pixel = (value × std + mean) / scale, clipped to 0..255 and
 * truncated (NumPy's uint8 cast, as the apps it replaces do). A Y-channel output is merged with
 * the input's Cb/Cr planes upscaled bicubically to the output size.
 */
export function toOutputImage(
  values: Float32Array,
  dims: readonly number[],
  spec: ImageRocketSpec,
  chroma?: { cb: Float32Array; cr: Float32Array; width: number; height: number },
): OutputImage {
  const [channels = 0, height = 0, width = 0] = dims.slice(-3);
  const pre = spec.preprocess;
  const plane = width * height;
  const denormalise = (v: number, c: number) => (v * (pre.std[c] ?? 1) + (pre.mean[c] ?? 0)) / pre.scale;
  if (spec.image2image?.mode === 'y') {
    if (!chroma) throw new Error('Y-channel output needs the input chroma');
    const y = new Float32Array(plane);
    for (let i = 0; i < plane; i++) y[i] = truncateByte(denormalise(values[i] as number, 0));
    const cb = resizeBicubic(chroma.cb, chroma.width, chroma.height, width, height);
    const cr = resizeBicubic(chroma.cr, chroma.width, chroma.height, width, height);
    return { width, height, channels: 3, pixels: ycbcrToRgb(y, cb, cr) };
  }
  const rgb = new Uint8Array(plane * 3);
  const bgr = pre.channelOrder === 'bgr';
  for (let c = 0; c < Math.min(3, channels); c++) {
    const target = bgr ? 2 - c : c;
    for (let i = 0; i < plane; i++)
      rgb[i * 3 + target] = truncateByte(denormalise(values[c * plane + i] as number, c));
  }
  return { width, height, channels: 3, pixels: rgb };
}
