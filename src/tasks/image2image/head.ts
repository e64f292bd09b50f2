/** The image2image family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { OutputImage } from '../../image/encode.js';
import type { ImageRocketSpec, Preprocess } from '../../rocket/types.js';
import type { Head, ImageHeadModule, OutputView } from '../types.js';
import { type Chroma, type Image2ImageHead, imageShape, splitLuma, toOutputImage } from './output.js';
import { fitToRequest } from './size.js';
import { planTiles, tileCount } from './tile-plan.js';
import { checkOutputSize, outputScale, runTiles } from './tiles.js';

/** Y-channel models take an RGB decode whose luma the worker computes (JFIF weights). */
export function decodeAs(spec: ImageRocketSpec): Preprocess {
  const { mode } = spec.head as Image2ImageHead;
  return mode === 'y' ? { ...spec.preprocess, channelOrder: 'rgb' } : spec.preprocess;
}

/**
 * The postprocessing of an image-to-image rocket: its output → an RGB image at the size the
 * request asks for (size.ts), moved, not copied. Any-size rockets (resize `none`) drive inference
 * themselves: an image above the tile budget runs as blended tiles (tiles.ts). It needs no kernels.
 */
export const createHead: ImageHeadModule['createHead'] = (spec) => {
  const typed = spec as ImageRocketSpec<Image2ImageHead>;
  const [name = ''] = spec.outputNames;
  const read = (outputs: Record<string, OutputView>): OutputView =>
    outputs[name] ?? { data: new Float32Array(), dims: [] };
  const { tile } = typed.head;
  const head: Head = {
    prepare: typed.head.mode === 'y' ? splitLuma : undefined,
    postprocess: (outputs, job, chroma) => {
      const out = read(outputs);
      const image = toOutputImage(out.data as Float32Array, out.dims, typed, chroma as Chroma | undefined);
      return { output: fitToRequest(image, job, typed.preprocess) };
    },
    transfer: (fields) => [(fields.output as OutputImage).pixels.buffer as ArrayBuffer],
  };
  if (typed.preprocess.resize !== 'none') return head;
  // Output pixels per input pixel, learnt from the first whole run (the warm-up), so that an
  // image run whole is refused before its output is made, as a tiled one is.
  let ratio: { x: number; y: number } | undefined;
  head.infer = async (job, run, chroma) => {
    const plan = planTiles(job.width, job.height, tile);
    if (tileCount(plan) > 1) {
      const image = await runTiles(job, plan, typed, run, read, chroma as Chroma | undefined);
      return { output: fitToRequest(image, job, typed.preprocess) };
    }
    if (ratio) checkOutputSize(typed, job, Math.round(job.width * ratio.x), Math.round(job.height * ratio.y));
    const outputs = await run(job);
    const shape = imageShape(read(outputs).dims, typed.preprocess.layout === 'nhwc');
    // Whole images too must scale as tiles would, so a model that cannot be tiled fails at warm-up.
    if (tile.maxPixels > 0) outputScale(typed, job, shape);
    ratio ??= { x: shape.width / job.width, y: shape.height / job.height };
    return head.postprocess(outputs, job, chroma);
  };
  return head;
};
