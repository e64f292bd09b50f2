/** The image2image family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { OutputImage } from '../../image/encode.js';
import type { ImageRocketSpec, Preprocess } from '../../rocket/types.js';
import type { ImageHeadModule } from '../types.js';
import { type Chroma, type Image2ImageHead, splitLuma, toOutputImage } from './output.js';

/** Y-channel models take an RGB decode whose luma the worker computes (JFIF weights). */
export function decodeAs(spec: ImageRocketSpec): Preprocess {
  const { mode } = spec.head as Image2ImageHead;
  return mode === 'y' ? { ...spec.preprocess, channelOrder: 'rgb' } : spec.preprocess;
}

/**
 * The postprocessing of an image-to-image rocket: its output → an RGB image, moved, not copied.
 * It needs no kernels.
 */
export const createHead: ImageHeadModule['createHead'] = (spec) => {
  const typed = spec as ImageRocketSpec<Image2ImageHead>;
  const [name = ''] = spec.outputNames;
  return {
    prepare: typed.head.mode === 'y' ? splitLuma : undefined,
    postprocess: (outputs, _job, chroma) => {
      const out = outputs[name];
      const values = out?.data as Float32Array;
      return { output: toOutputImage(values, out?.dims ?? [], typed, chroma as Chroma | undefined) };
    },
    transfer: (fields) => [(fields.output as OutputImage).pixels.buffer as ArrayBuffer],
  };
};
