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
 * Turns one image of an image-to-image output (`[C, H, W]` floats, or `[H, W, C]` for an NHWC
 * model; C = 3 or 1) into RGB bytes, inverting the input normalisation: pixel = (value × std +
 * mean) / scale, clipped to 0..255 and truncated (NumPy's uint8 cast, as the apps it replaces do).
 * A Y-channel output is merged with the input's Cb/Cr planes upscaled bicubically to the output
 * size; one channel from a colour model is shown as grey.
 */
export function toOutputImage(
  values: Float32Array,
  dims: readonly number[],
  spec: ImageRocketSpec<Image2ImageHead>,
  chroma?: Chroma,
): OutputImage {
  const pre = spec.preprocess;
  const hwc = pre.layout === 'nhwc';
  const [a = 0, b = 0, c = 0] = dims.slice(-3);
  const [channels, height, width] = hwc ? [c, a, b] : [a, b, c];
  const plane = width * height;
  // Where value (pixel i, channel k) sits in the output.
  const at = hwc ? (i: number, k: number) => i * channels + k : (i: number, k: number) => k * plane + i;
  const denormalise = (v: number, k: number) => (v * (pre.std[k] ?? 1) + (pre.mean[k] ?? 0)) / pre.scale;
  if (spec.head.mode === 'y') {
    if (!chroma) throw new Error('Y-channel output needs the input chroma');
    const y = new Float32Array(plane);
    for (let i = 0; i < plane; i++) y[i] = truncateByte(denormalise(values[at(i, 0)] as number, 0));
    const cb = resizeBicubic(chroma.cb, chroma.width, chroma.height, width, height);
    const cr = resizeBicubic(chroma.cr, chroma.width, chroma.height, width, height);
    return { width, height, channels: 3, pixels: ycbcrToRgb(y, cb, cr) };
  }
  const rgb = new Uint8Array(plane * 3);
  const bgr = pre.channelOrder === 'bgr';
  for (let target = 0; target < 3; target++) {
    // Output channel k of the model holds RGB channel `target` (reversed for BGR models).
    const k = channels === 1 ? 0 : bgr ? 2 - target : target;
    for (let i = 0; i < plane; i++)
      rgb[i * 3 + target] = truncateByte(denormalise(values[at(i, k)] as number, k));
  }
  return { width, height, channels: 3, pixels: rgb };
}
