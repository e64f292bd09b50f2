/**
 * The size of an image-to-image answer, the request's `size` parameter: `model`, the model's
 * output as it is; `original` (the default), the output resized to the uploaded image's aspect at
 * the model's scale. The scale is output / input size per axis, so a style-transfer model that
 * stretched the upload to 720×720 answers at the upload's size, a ×3 super-resolution model 3 ×
 * it, and an any-size model (resize `none`) its output unchanged. Past the larger of the output's
 * and the upload's pixel counts the answer is shrunk, keeping its aspect: enlarging more would
 * add pixels and no detail (a fixed-input upscaler on a large photo).
 */
import type { OutputImage } from '../../image/encode.js';
import { canvasSize } from '../../image/geometry.js';
import type { Job } from '../../inference/messages.js';
import type { Preprocess } from '../../rocket/types.js';
import { resampleImage } from './resample.js';

export const OUTPUT_SIZES = ['original', 'model'] as const;
export type OutputSize = (typeof OUTPUT_SIZES)[number];

/** The answer's size for an output of `output` pixels, from the job's upload and canvas. */
export function answerSize(
  output: { width: number; height: number },
  job: Job,
  pre: Preprocess,
): { width: number; height: number } {
  const canvas = canvasSize(pre, job.width, job.height);
  const { original } = job;
  let width = Math.max(1, Math.round((original.width * output.width) / canvas.width));
  let height = Math.max(1, Math.round((original.height * output.height) / canvas.height));
  const most = Math.max(output.width * output.height, original.width * original.height);
  if (width * height > most) {
    const shrink = Math.sqrt(most / (width * height));
    width = Math.max(1, Math.floor(width * shrink));
    height = Math.max(1, Math.floor(height * shrink));
  }
  return { width, height };
}

/** The output image at the size the request asks for (`job.options.size`, default `original`). */
export function fitToRequest(image: OutputImage, job: Job, pre: Preprocess): OutputImage {
  if ((job.options.size as OutputSize | undefined) === 'model') return image;
  const { width, height } = answerSize(image, job, pre);
  return width === image.width && height === image.height ? image : resampleImage(image, width, height);
}
