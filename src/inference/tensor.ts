import type { Kernels } from '../kernels/types.js';
import { channelCount, type Preprocess } from '../rocket/types.js';
import type { Job } from './messages.js';

/**
 * Returns a function that writes a decoded job into `dst`, the model's input for one image
 * (channels × height × width floats): normalised, letterbox pad included, CHW, or HWC when the
 * model takes NHWC. What depends only on `pre` is worked out once, here.
 */
export function createTensorFiller(pre: Preprocess, kernels: Kernels): (job: Job, dst: Float32Array) => void {
  const channels = channelCount(pre.channelOrder);
  const fixed = {
    dstWidth: pre.width,
    dstHeight: pre.height,
    channelOrder: pre.channelOrder,
    // Inverting is affine: (255 − p)·s − m = p·(−s) − (m − 255·s).
    scale: pre.invert ? -pre.scale : pre.scale,
    mean: pre.invert ? pre.mean.map((m) => m - 255 * pre.scale) : pre.mean,
    std: pre.std,
    padValue: pre.padValue,
  };
  // NHWC models: the kernel writes CHW into this scratch, then it is interleaved into dst.
  const scratch = pre.layout === 'nchw' ? undefined : new Float32Array(channels * pre.width * pre.height);
  return (job, dst) => {
    const { placement: p } = job;
    const crop = p.crop;
    kernels.normalizeToChw(job.pixels, scratch ?? dst, {
      ...fixed,
      srcWidth: job.width,
      srcHeight: job.height,
      srcChannels: job.channels,
      offsetX: crop ? 0 : p.offsetX,
      offsetY: crop ? 0 : p.offsetY,
    });
    if (scratch) chwToHwc(scratch, dst, channels);
  };
}

function chwToHwc(chw: Float32Array, hwc: Float32Array, channels: number): void {
  const plane = chw.length / channels;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < plane; i++) hwc[i * channels + c] = chw[c * plane + i] as number;
  }
}

/** Input tensor dims for one image, batch first. */
export function inputDims(pre: Preprocess): number[] {
  const c = channelCount(pre.channelOrder);
  return pre.layout === 'nchw' ? [1, c, pre.height, pre.width] : [1, pre.height, pre.width, c];
}
