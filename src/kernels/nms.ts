/**
 * Reference {@link Kernels.nms} and what it shares with {@link Kernels.nmsRotated} (rotated-nms.ts)
 * and topK: the score order, the argument checks and the greedy suppression loop. Mirrored by
 * native/src/nms.h and nms.cc.
 */
import { atLeast, count, field, numeric, object, typed } from './checks.js';
import type { Kernels, NmsOptions } from './types.js';

/** Score order shared by nms, nmsRotated and topK: descending, NaN lowest, then index ascending. */
export function byScore(scores: Float32Array): (a: number, b: number) => number {
  return (a, b) => {
    const sa = Number.isNaN(scores[a]) ? -Infinity : scores[a];
    const sb = Number.isNaN(scores[b]) ? -Infinity : scores[b];
    return sa > sb ? -1 : sa < sb ? 1 : a - b;
  };
}

/** The checked arguments of an NMS kernel. */
export interface NmsInputs {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  outIndices: Int32Array;
  count: number;
  iouThreshold: number;
  maxDetections: number;
  classAware: boolean;
}

/** Checks the arguments of an NMS kernel whose boxes are `boxFloats` floats each (4 or 5). */
export function nmsInputs(
  b: unknown,
  s: unknown,
  c: unknown,
  options: NmsOptions,
  out: unknown,
  boxFloats: number,
): NmsInputs {
  const boxes = typed<Float32Array>(b, 'a Float32Array', 'boxes');
  const scores = typed<Float32Array>(s, 'a Float32Array', 'scores');
  const classes = typed<Int32Array>(c, 'an Int32Array', 'classes');
  const o = object(options, 'options');
  const outIndices = typed<Int32Array>(out, 'an Int32Array', 'outIndices');
  const n = count(o, 'options', 'count');
  const iouThreshold = numeric(o, 'options', 'iouThreshold');
  const maxDetections = count(o, 'options', 'maxDetections');
  const classAware = field<boolean>(o, 'options', 'classAware', 'a boolean', (v) => typeof v === 'boolean');
  atLeast(boxes.length, boxFloats * n, `floats (${boxFloats} * count)`, 'boxes.length');
  atLeast(scores.length, n, 'floats (count)', 'scores.length');
  atLeast(classes.length, n, 'entries (count)', 'classes.length');
  const room = Math.min(n, maxDetections);
  atLeast(outIndices.length, room, 'entries (min(count, maxDetections))', 'outIndices.length');
  return { boxes, scores, classes, outIndices, count: n, iouThreshold, maxDetections, classAware };
}

/**
 * Greedy suppression: in score order, a box not yet suppressed is kept, and it suppresses every
 * later box (of its class when class-aware) whose `overlap` with it is strictly above the
 * threshold (NaN never is). Stops after maxDetections kept boxes.
 * @returns the number of kept indices written to `outIndices`, in that order.
 */
export function suppress(inputs: NmsInputs, overlap: (i: number, j: number) => number): number {
  const { scores, classes, outIndices, count: n, iouThreshold, maxDetections, classAware } = inputs;
  const order = Array.from({ length: n }, (_, i) => i).sort(byScore(scores));
  const suppressed = new Uint8Array(n);
  let kept = 0;
  for (let a = 0; a < n && kept < maxDetections; a++) {
    const i = order[a];
    if (suppressed[i]) continue;
    outIndices[kept++] = i;
    for (let z = a + 1; z < n; z++) {
      const j = order[z];
      if (suppressed[j] || (classAware && classes[i] !== classes[j])) continue;
      if (overlap(i, j) > iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}

// Not Math.max/min: these mirror the C++ comparisons exactly, NaN included.
const max = (a: number, b: number) => (a > b ? a : b);
const min = (a: number, b: number) => (a < b ? a : b);
const extent = (lo: number, hi: number) => (hi > lo ? hi - lo : 0);

/** IoU of boxes i and j (xyxy) in float64; inverted boxes have area 0; 0 when the union is not > 0. */
function iou(b: Float32Array, i: number, j: number): number {
  const [ax1, ay1, ax2, ay2] = [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
  const [bx1, by1, bx2, by2] = [b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]];
  const areaA = extent(ax1, ax2) * extent(ay1, ay2);
  const areaB = extent(bx1, bx2) * extent(by1, by2);
  const inter = extent(max(ax1, bx1), min(ax2, bx2)) * extent(max(ay1, by1), min(ay2, by2));
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

/** Reference {@link Kernels.nms}: greedy {@link suppress} with the axis-aligned {@link iou}. */
export const nms: Kernels['nms'] = (boxes, scores, classes, options, outIndices) => {
  const inputs = nmsInputs(boxes, scores, classes, options, outIndices, 4);
  return suppress(inputs, (i, j) => iou(inputs.boxes, i, j));
};
