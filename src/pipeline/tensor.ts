import type { Job } from '../inference/messages.js';
import type { Kernels } from '../kernels/types.js';
import type { Preprocess } from '../rocket/types.js';

/**
 * Writes a decoded job into `dst`, the model's input for one image (channels × height × width
 * floats): normalised, letterbox pad included, CHW, or HWC when the model takes NHWC.
 */
export function fillInputTensor(job: Job, pre: Preprocess, kernels: Kernels, dst: Float32Array): void {
  const { placement: p } = job;
  const crop = p.crop;
  const chw = pre.layout === 'nchw' ? dst : new Float32Array(dst.length);
  kernels.normalizeToChw(job.pixels, chw, {
    srcWidth: job.width,
    srcHeight: job.height,
    srcChannels: job.channels,
    dstWidth: pre.width,
    dstHeight: pre.height,
    offsetX: crop ? 0 : p.offsetX,
    offsetY: crop ? 0 : p.offsetY,
    channelOrder: pre.channelOrder,
    // Inverting is affine: (255 − p)·s − m = p·(−s) − (m − 255·s).
    scale: pre.invert ? -pre.scale : pre.scale,
    mean: pre.invert ? pre.mean.map((m) => m - 255 * pre.scale) : pre.mean,
    std: pre.std,
    padValue: pre.padValue,
  });
  if (chw !== dst) chwToHwc(chw, dst, pre.channelOrder === 'gray' ? 1 : 3);
}

function chwToHwc(chw: Float32Array, hwc: Float32Array, channels: number): void {
  const plane = chw.length / channels;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < plane; i++) hwc[i * channels + c] = chw[c * plane + i] as number;
  }
}

/** Input tensor dims for one image, batch first. */
export function inputDims(pre: Preprocess): number[] {
  const c = pre.channelOrder === 'gray' ? 1 : 3;
  return pre.layout === 'nchw' ? [1, c, pre.height, pre.width] : [1, pre.height, pre.width, c];
}
