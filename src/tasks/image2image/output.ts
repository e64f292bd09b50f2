import { resizeBicubic } from '../../image/bicubic.js';
import type { OutputImage } from '../../image/encode.js';
import { clampByte, rgbToYcbcr, truncateByte, ycbcrToRgb } from '../../image/ycbcr.js';
import type { Job } from '../../inference/messages.js';
import type { ImageRocketSpec } from '../../rocket/types.js';

/**
 * Image-to-image output: `rgb` models return an RGB image; `y` models (the super-resolution
 * convention) take and return the Y channel of YCbCr, and Cb/Cr are upscaled bicubically.
 * Output pixels are the inverse of the input normalisation: (value × std + mean) / scale.
 */
export interface Image2ImageHead {
  mode: 'rgb' | 'y';
}

/** The input's colour planes a Y-channel model does not see, merged back into its output. */
export interface Chroma {
  cb: Float32Array;
  cr: Float32Array;
  width: number;
  height: number;
}

/**
 * For Y-channel models: replaces the decoded RGB job by its Y plane (1 channel), the input the
 * model takes, and returns the Cb/Cr planes to merge back after inference.
 */
export function splitLuma(job: Job): { job: Job; state: Chroma } {
  const pixels = job.width * job.height;
  const { y, cb, cr } = rgbToYcbcr(job.pixels, pixels);
  const bytes = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) bytes[i] = clampByte(y[i] as number);
  return {
    job: { ...job, pixels: bytes, channels: 1 },
    state: { cb, cr, width: job.width, height: job.height },
  };
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
  spec: ImageRocketSpec<Image2ImageHead>,
  chroma?: Chroma,
): OutputImage {
  const [channels = 0, height = 0, width = 0] = dims.slice(-3);
  const pre = spec.preprocess;
  const plane = width * height;
  const denormalise = (v: number, c: number) => (v * (pre.std[c] ?? 1) + (pre.mean[c] ?? 0)) / pre.scale;
  if (spec.head.mode === 'y') {
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
