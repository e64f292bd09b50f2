/** The semantic family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import { canvasSize } from '../../image/geometry.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import type { ImageHeadModule, OutputView, TaskFields } from '../types.js';
import { chooseFormat, outputInvalid } from '../validate.js';
import { mapDims, SEMANTIC_FORMATS, type SemanticFormat, type SemanticHead } from './layout.js';
import { areasOf, argmaxClasses, classIdMap, multiLabel } from './read.js';
import { type ClassIds, pixelWeights, sampleOriginal, toOriginal } from './sample.js';
import type { ClassShare } from './schema.js';
import { classShares, DEFAULT_MIN_FRACTION } from './shares.js';

/** The class of every pixel of the original image (row-major), moved to the main thread. */
export interface ClassMap {
  width: number;
  height: number;
  /** The rocket's class count: an id at or beyond it is no class (multi-label pixels under every threshold). */
  classes: number;
  ids: ClassIds;
}

/** The fields the head returns: `classes` for the JSON, `classMap` for the renderings and `map=png`. */
export interface SemanticFields extends TaskFields {
  classes: ClassShare[];
  classMap: ClassMap;
}

const FIX = chooseFormat(SEMANTIC_FORMATS.join(', '));

/**
 * The postprocessing of a semantic segmentation rocket: the class of each output pixel (argmax,
 * multi-label masks, or the model's own class map), then the class of each original pixel is the
 * class of the output pixel under it (nearest neighbour through the placement), and each class's
 * share of the original pixels. The class map at the original size (1 byte a pixel up to 255
 * classes) always comes back, transferred: the JSON drops it unless `map=png`.
 */
export const createHead: ImageHeadModule['createHead'] = (spec) => {
  const typed = spec as ImageRocketSpec<SemanticHead>;
  const { activation, classes } = typed.head;
  const format = spec.outputFormat as SemanticFormat;
  const layout = spec.preprocess.layout;
  const [name = ''] = spec.outputNames;
  const invalid = (what: string) => outputInvalid(spec, what, FIX);
  return {
    postprocess(outputs, job): SemanticFields {
      const out = outputs[name] as OutputView;
      const map = mapDims(out.dims, layout);
      const expected = format === 'class-map' ? 1 : classes;
      if (!map || map.channels !== expected || !map.height || !map.width) {
        throw invalid(`dims [${out.dims}] (${layout}), not a map of ${expected} channel(s)`);
      }
      const { height, width } = map as { height: number; width: number };
      const canvas = canvasSize(spec.preprocess, job.width, job.height);
      const sampling = sampleOriginal(job.original, job.placement, canvas, width, height);
      const weights = pixelWeights(sampling);
      const scores = { values: out.data as Float32Array, classes, pixels: width * height, layout };
      const probabilities = format === 'probability-map';
      let ids: ClassIds;
      let areas: Float64Array;
      if (format === 'class-map') {
        ids = classIdMap(out.data, classes, invalid);
        areas = areasOf(ids, weights, classes);
      } else if (activation === 'sigmoid') {
        ({ ids, areas } = multiLabel(scores, probabilities, weights, invalid));
      } else {
        ids = argmaxClasses(scores, probabilities, invalid);
        areas = areasOf(ids, weights, classes);
      }
      const { width: w, height: h } = job.original;
      const minFraction = (job.options.minFraction as number | undefined) ?? DEFAULT_MIN_FRACTION;
      return {
        classes: classShares(areas, w * h, spec.labels, minFraction),
        classMap: { width: w, height: h, classes, ids: toOriginal(ids, sampling) },
      };
    },
    transfer: (fields) => [(fields as SemanticFields).classMap.ids.buffer as ArrayBuffer],
  };
};
