import type { ClassIds } from './sample.js';

/** Builds the OUTPUT_INVALID error for a value that cannot be right (see validate.ts). */
export type Invalid = (what: string) => Error;

/** One image's per-pixel class scores: C values per output pixel, planes (nchw) or interleaved (nhwc). */
export interface ScoreMap {
  values: Float32Array;
  classes: number;
  /** Pixels of the output map (height × width). */
  pixels: number;
  layout: 'nchw' | 'nhwc';
}

/** A map for `pixels` pixels whose ids go up to `largest`: 8 bits when they fit, else 16. */
export const idsFor = (pixels: number, largest: number): ClassIds =>
  largest <= 0xff ? new Uint8Array(pixels) : new Uint16Array(pixels);

/**
 * The id of a multi-label pixel where no class is above the threshold: the largest value of the
 * map's type (255, PASCAL VOC's "void", or 65535), never a class id.
 */
export const noClass = (ids: ClassIds): number => (ids instanceof Uint8Array ? 0xff : 0xffff);

/** Strides of value (class k, pixel p) in the scores: `k × classStride + p × pixelStride`. */
const strides = (m: ScoreMap) => (m.layout === 'nchw' ? [m.pixels, 1] : [1, m.classes]) as [number, number];

/** The `invalid` error of a score outside `[lo, hi]`: NaN, or a probability outside [0, 1]. */
const badScore = (v: number, k: number, probabilities: boolean, invalid: Invalid) =>
  invalid(`a ${probabilities ? 'probability' : 'score'} of ${v} for class ${k}`);

/** The range scores must lie in: [0, 1] for probabilities, any number but NaN for logits. */
const rangeOf = (probabilities: boolean) =>
  (probabilities ? [0, 1] : [-Infinity, Infinity]) as [number, number];

/**
 * The class of each output pixel: the highest score (the first class on ties, as NumPy's argmax).
 * Interleaved scores are read pixel by pixel, planes class by class, so reads stay sequential.
 * @throws the `invalid` error at a NaN, or a probability outside [0, 1].
 */
export function argmaxClasses(m: ScoreMap, probabilities: boolean, invalid: Invalid): ClassIds {
  const [lo, hi] = rangeOf(probabilities);
  const { values, classes, pixels } = m;
  const ids = idsFor(pixels, classes - 1);
  if (m.layout === 'nhwc') {
    for (let p = 0, at = 0; p < pixels; p++) {
      let best = -Infinity;
      let id = 0;
      for (let k = 0; k < classes; k++, at++) {
        const v = values[at] as number;
        if (!(v >= lo && v <= hi)) throw badScore(v, k, probabilities, invalid);
        if (v > best) {
          best = v;
          id = k;
        }
      }
      ids[p] = id;
    }
    return ids;
  }
  const best = new Float32Array(pixels).fill(-Infinity);
  for (let k = 0, at = 0; k < classes; k++) {
    for (let p = 0; p < pixels; p++, at++) {
      const v = values[at] as number;
      if (!(v >= lo && v <= hi)) throw badScore(v, k, probabilities, invalid);
      if (v > (best[p] as number)) {
        best[p] = v;
        ids[p] = k;
      }
    }
  }
  return ids;
}

/**
 * Multi-label (sigmoid) scores: each class's mask is the pixels whose probability is above 0.5
 * (a logit above 0). Returns each class's area (the `weights` of its mask's pixels) and, for
 * drawing, the class of each pixel: the highest-scoring class above the threshold, else
 * {@link noClass}.
 * @throws the `invalid` error at a NaN, or a probability outside [0, 1].
 */
export function multiLabel(
  m: ScoreMap,
  probabilities: boolean,
  weights: Float64Array,
  invalid: Invalid,
): { ids: ClassIds; areas: Float64Array } {
  const [classStride, pixelStride] = strides(m);
  const [lo, hi] = rangeOf(probabilities);
  const threshold = probabilities ? 0.5 : 0;
  const ids = idsFor(m.pixels, m.classes);
  ids.fill(noClass(ids));
  const best = new Float32Array(m.pixels).fill(-Infinity);
  const areas = new Float64Array(m.classes);
  for (let k = 0; k < m.classes; k++) {
    const base = k * classStride;
    let area = 0;
    for (let p = 0; p < m.pixels; p++) {
      const v = m.values[base + p * pixelStride] as number;
      if (!(v >= lo && v <= hi)) throw badScore(v, k, probabilities, invalid);
      if (!(v > threshold)) continue;
      area += weights[p] as number;
      if (v > (best[p] as number)) {
        best[p] = v;
        ids[p] = k;
      }
    }
    areas[k] = area;
  }
  return { ids, areas };
}

/**
 * A class map the model already argmaxed: integer ids (int32, int64, or whole floats).
 * @throws the `invalid` error at an id that is not a whole number from 0 to `classes` − 1.
 */
export function classIdMap(
  values: Float32Array | Int32Array | BigInt64Array,
  classes: number,
  invalid: Invalid,
): ClassIds {
  const ids = idsFor(values.length, classes - 1);
  for (let p = 0; p < values.length; p++) {
    const v = Number(values[p]);
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw invalid(Number.isInteger(v) ? `class ${v} of a ${classes}-label model` : `a class id of ${v}`);
    }
    ids[p] = v;
  }
  return ids;
}

/** Each class's area: the `weights` (original pixels) of the output pixels of that class. */
export function areasOf(ids: ClassIds, weights: Float64Array, classes: number): Float64Array {
  const areas = new Float64Array(classes);
  for (let p = 0; p < ids.length; p++) {
    const id = ids[p] as number;
    if (id < classes) areas[id] = (areas[id] as number) + (weights[p] as number);
  }
  return areas;
}
