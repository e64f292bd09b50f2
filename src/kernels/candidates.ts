/**
 * What the detection decoders share: reading and checking `out` (their {@link Candidates}) and their
 * landmark input, mirrored by native/src/candidates.cc; choosing a candidate's best class and
 * writing its box, mirrored by native/src/decode_util.h.
 */
import { expected } from '../errors.js';
import { atLeast, object, typed } from './checks.js';
import type { Candidates } from './types.js';

/**
 * The output arrays of a decoder; `keypoints` is empty when numKeypoints is 0 and `extras` when
 * numExtras is 0 (never read).
 */
export type Outputs = Required<Candidates>;

/** Checks `out`: boxes, scores and classes, keypoints only when numKeypoints > 0, extras only when numExtras > 0. */
export function candidates(out: unknown, numKeypoints = 0, numExtras = 0): Outputs {
  const r = object(out, 'out');
  const boxes = typed<Float32Array>(r.boxes, 'a Float32Array', 'out.boxes');
  const scores = typed<Float32Array>(r.scores, 'a Float32Array', 'out.scores');
  const classes = typed<Int32Array>(r.classes, 'an Int32Array', 'out.classes');
  const keypoints =
    numKeypoints > 0
      ? typed<Float32Array>(r.keypoints, 'a Float32Array', 'out.keypoints')
      : new Float32Array(0);
  const extras =
    numExtras > 0 ? typed<Float32Array>(r.extras, 'a Float32Array', 'out.extras') : new Float32Array(0);
  return { boxes, scores, classes, keypoints, extras };
}

/**
 * The landmark input of `n` candidates (`unit` says what n counts): null only when numKeypoints is 0,
 * and when not null it holds 2 × numKeypoints floats per candidate (none when numKeypoints is 0).
 */
export function checkLandmarks(input: Float32Array | null, name: string, k: number, n: number, unit: string) {
  const len = 2 * k * n;
  if (input === null ? k > 0 : input.length !== len) {
    const what = `${len} floats (2 * numKeypoints * ${unit})`;
    throw new RangeError(
      input === null ? expected(what, name, null) : expected(what, `${name}.length`, input.length),
    );
  }
}

/**
 * Room in `out` for `n` candidates (`unit` says what n counts, e.g. "numAnchors"), and for their
 * keypoints when k > 0.
 */
export function checkCapacity(out: Outputs, n: number, unit: string, k = 0): void {
  atLeast(out.boxes.length, 4 * n, `floats (4 * ${unit})`, 'out.boxes.length');
  atLeast(out.scores.length, n, `floats (${unit})`, 'out.scores.length');
  atLeast(out.classes.length, n, `entries (${unit})`, 'out.classes.length');
  if (k > 0) {
    atLeast(out.keypoints.length, 2 * k * n, `floats (2 * numKeypoints * ${unit})`, 'out.keypoints.length');
  }
}

/**
 * The best of `count` class scores f[at], f[at + step], …: the lowest index on ties, and a NaN
 * never replaces the best (a NaN first score stays the best, since nothing is > NaN).
 */
export function bestClass(f: Float32Array, at: number, step: number, count: number): number {
  let best = 0;
  let bestScore = f[at];
  for (let c = 1; c < count; c++) {
    if (f[at + c * step] > bestScore) {
      best = c;
      bestScore = f[at + c * step];
    }
  }
  return best;
}

/** Writes box `i` from its centre and half size as x1, y1, x2, y2 (float64, each rounded once). */
export function putCentred(
  boxes: Float32Array,
  i: number,
  cx: number,
  cy: number,
  halfW: number,
  halfH: number,
) {
  boxes[4 * i] = cx - halfW;
  boxes[4 * i + 1] = cy - halfH;
  boxes[4 * i + 2] = cx + halfW;
  boxes[4 * i + 3] = cy + halfH;
}

/**
 * Writes box `i` from the values d = f[at], …, f[at + 3] of the grid cell (col, row) of stride s, as
 * YOLOX and YuNet emit them: centre ((dx + col) × s, (dy + row) × s), size (e^dw × s, e^dh × s).
 */
export function putGridBox(
  boxes: Float32Array,
  i: number,
  f: Float32Array,
  at: number,
  col: number,
  row: number,
  s: number,
) {
  const cx = (f[at] + col) * s;
  const cy = (f[at + 1] + row) * s;
  const halfW = (Math.exp(f[at + 2]) * s) / 2;
  const halfH = (Math.exp(f[at + 3]) * s) / 2;
  putCentred(boxes, i, cx, cy, halfW, halfH);
}
