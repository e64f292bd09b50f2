/**
 * How a semantic segmentation output is laid out, read from its dims. Shared by the family (main
 * thread: recognition, configure) and its head (worker: every run, as dims may be symbolic).
 */

/**
 * How the output's values are read: per-pixel class scores as `logit-map` (any real numbers) or
 * `probability-map` (each in [0, 1], checked), or a `class-map` of class ids already argmaxed.
 */
export const SEMANTIC_FORMATS = ['logit-map', 'probability-map', 'class-map'] as const;
export type SemanticFormat = (typeof SEMANTIC_FORMATS)[number];

/**
 * What turns scores into classes: `softmax` (one class per pixel: the argmax; the softmax itself
 * never changes it, so it is not computed) or `sigmoid` (multi-label: one mask per class, each
 * pixel whose probability is above 0.5, so classes may overlap).
 */
export const SEMANTIC_ACTIVATIONS = ['softmax', 'sigmoid'] as const;
export type SemanticActivation = (typeof SEMANTIC_ACTIVATIONS)[number];

/** The semantic family's settings, stored as `spec.head`; the format is `spec.outputFormat`. */
export interface SemanticHead {
  activation: SemanticActivation;
  /** Number of classes: the score channels, or the labels of a class map. */
  classes: number;
}

/** The dims of a map output: class channels (1 for a class map) and its height and width. */
export interface MapDims<D = number | string> {
  channels: D | undefined;
  height: D | undefined;
  width: D | undefined;
}

/**
 * Reads `[1, C, H, W]` (nchw) or `[1, H, W, C]` (nhwc) as a map of C channels, and `[1, H, W]` as
 * a map of one (a class map); undefined for any other rank.
 */
export function mapDims<D>(dims: readonly D[], layout: 'nchw' | 'nhwc'): MapDims<D> | undefined {
  if (dims.length === 3) return { channels: 1 as D, height: dims[1], width: dims[2] };
  if (dims.length !== 4) return undefined;
  return layout === 'nchw'
    ? { channels: dims[1], height: dims[2], width: dims[3] }
    : { channels: dims[3], height: dims[1], width: dims[2] };
}

/** Output strides the zero-config rule accepts: the map is the input size divided by one of these. */
const STRIDES = [1, 2, 4, 8, 16, 32] as const;

/**
 * The stride k when an output map of `map` pixels is the input size divided by k in both
 * dimensions (rounded either way: DeepLab maps 257 to 17 at k = 16), else undefined. A 1×1 map
 * is a classifier's row of scores, never a segmentation.
 */
export function outputStride(
  input: { height: unknown; width: unknown },
  map: { height: unknown; width: unknown },
): number | undefined {
  const { height: H, width: W } = input;
  const { height: h, width: w } = map;
  if (typeof H !== 'number' || typeof W !== 'number' || typeof h !== 'number' || typeof w !== 'number')
    return undefined;
  if (h === 1 && w === 1) return undefined;
  const divides = (size: number, part: number, k: number) =>
    part === Math.floor(size / k) || part === Math.ceil(size / k);
  return STRIDES.find((k) => divides(H, h, k) && divides(W, w, k));
}
