import type { Job } from '../inference/messages.js';
import type { Kernels } from '../kernels/types.js';
import type { Preprocess } from '../rocket/types.js';

/**
 * Writes a decoded job into the model's input canvas (letterbox pad included), CHW float32, then
 * transposes to HWC when the model takes NHWC. `canvas` holds channels × height × width floats and
 * is reused between jobs; the returned array is what the tensor wraps.
 */
export function fillInputTensor(
  job: Job,
  pre: Preprocess,
  kernels: Kernels,
  canvas: Float32Array,
): Float32Array {
  const { placement: p } = job;
  const crop = p.crop;
  kernels.normalizeToChw(job.pixels, canvas, {
    srcWidth: job.width,
    srcHeight: job.height,
    srcChannels: job.channels,
    dstWidth: pre.width,
    dstHeight: pre.height,
    offsetX: crop ? 0 : p.offsetX,
    offsetY: crop ? 0 : p.offsetY,
    channelOrder: pre.channelOrder,
    scale: pre.scale,
    mean: pre.mean,
    std: pre.std,
    padValue: pre.padValue,
  });
  return pre.layout === 'nchw' ? canvas : chwToHwc(canvas, pre.channelOrder === 'gray' ? 1 : 3, pre);
}

function chwToHwc(chw: Float32Array, channels: number, pre: Preprocess): Float32Array {
  const plane = pre.width * pre.height;
  const hwc = new Float32Array(chw.length);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < plane; i++) hwc[i * channels + c] = chw[c * plane + i] as number;
  }
  return hwc;
}

/** Input tensor dims for one image. */
export function inputDims(pre: Preprocess): number[] {
  const c = pre.channelOrder === 'gray' ? 1 : 3;
  return pre.layout === 'nchw' ? [1, c, pre.height, pre.width] : [1, pre.height, pre.width, c];
}
