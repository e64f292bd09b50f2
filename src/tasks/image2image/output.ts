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
  /** Any-size rockets (resize `none`): how images too large for one run are split (see tiles.ts). */
  tile: TileSettings;
  /** Any-size rockets: the most pixels an output may have (IMAGE_TOO_LARGE above). */
  maxOutputPixels: number;
}

/** The tiles of an any-size rocket: at most `maxPixels` input pixels each (0: never tile), sharing `overlap` pixels. */
export interface TileSettings {
  maxPixels: number;
  overlap: number;
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

/** Model output value `k` (its channel) of pixel `i` of a band of rows (row-major at the output width). */
export type ValueAt = (i: number, k: number) => number;

/**
 * An output image filled from model output values, a band of rows at a time (whole images, or
 * the rows of blended tiles no later tile touches). Each value becomes a byte by inverting the
 * input normalisation, pixel = (value × std + mean) / scale, clipped to 0..255 and truncated
 * (NumPy's uint8 cast, as the apps it replaces do): a BGR model at 0..255 (scale 1, mean 0,
 * std 1) gives its values as they are, clipped. A Y-channel output is merged with the input's
 * Cb/Cr planes upscaled bicubically to the output size; one channel from a colour model is grey.
 */
export class OutputCanvas {
  readonly image: OutputImage;
  /** y mode: the input's Cb and Cr at the output size. */
  private readonly chroma?: { cb: Float32Array; cr: Float32Array };

  /** `channels`: the model output's (1 or 3). */
  constructor(
    private readonly spec: ImageRocketSpec<Image2ImageHead>,
    width: number,
    height: number,
    private readonly channels: number,
    chroma?: Chroma,
  ) {
    this.image = { width, height, channels: 3, pixels: new Uint8Array(width * height * 3) };
    if (spec.head.mode !== 'y') return;
    if (!chroma) throw new Error('Y-channel output needs the input chroma');
    this.chroma = {
      cb: resizeBicubic(chroma.cb, chroma.width, chroma.height, width, height),
      cr: resizeBicubic(chroma.cr, chroma.width, chroma.height, width, height),
    };
  }

  /** Writes output rows `top .. top + rows − 1`, whose values `at` reads. */
  write(top: number, rows: number, at: ValueAt): void {
    const pre = this.spec.preprocess;
    const { width, pixels } = this.image;
    const count = width * rows;
    const first = top * width;
    const denormalise = (v: number, k: number) =>
      truncateByte((v * (pre.std[k] ?? 1) + (pre.mean[k] ?? 0)) / pre.scale);
    if (this.chroma) {
      const y = new Float32Array(count);
      for (let i = 0; i < count; i++) y[i] = denormalise(at(i, 0), 0);
      const { cb, cr } = this.chroma;
      pixels.set(
        ycbcrToRgb(y, cb.subarray(first, first + count), cr.subarray(first, first + count)),
        3 * first,
      );
      return;
    }
    const bgr = pre.channelOrder === 'bgr';
    for (let target = 0; target < 3; target++) {
      // Output channel k of the model holds RGB channel `target` (reversed for BGR models).
      const k = this.channels === 1 ? 0 : bgr ? 2 - target : target;
      for (let i = 0; i < count; i++) pixels[3 * (first + i) + target] = denormalise(at(i, k), k);
    }
  }
}

/** The channels and size of one output image: its dims `[…, C, H, W]`, or `[…, H, W, C]` when `hwc`. */
export function imageShape(
  dims: readonly number[],
  hwc: boolean,
): { channels: number; width: number; height: number } {
  const [a = 0, b = 0, c = 0] = dims.slice(-3);
  return hwc ? { channels: c, height: a, width: b } : { channels: a, height: b, width: c };
}

/**
 * Turns one image of an image-to-image output (`[C, H, W]` floats, or `[H, W, C]` for an NHWC
 * model; C = 3 or 1) into RGB bytes, as {@link OutputCanvas} says.
 */
export function toOutputImage(
  values: Float32Array,
  dims: readonly number[],
  spec: ImageRocketSpec<Image2ImageHead>,
  chroma?: Chroma,
): OutputImage {
  const hwc = spec.preprocess.layout === 'nhwc';
  const { channels, width, height } = imageShape(dims, hwc);
  const plane = width * height;
  const canvas = new OutputCanvas(spec, width, height, channels, chroma);
  canvas.write(
    0,
    height,
    hwc ? (i, k) => values[i * channels + k] as number : (i, k) => values[k * plane + i] as number,
  );
  return canvas.image;
}
