/**
 * What the detection decoders share: reading and checking `out` (their {@link Candidates}), their
 * landmark input, and choosing a candidate's best class. The checks are mirrored by
 * native/src/candidates.cc, the argmax by native/src/best_class.h.
 */
import { expected } from '../errors.js';
import { atLeast, object, typed } from './checks.js';
import type { Candidates } from './types.js';

/** The output arrays of a decoder; `keypoints` is empty when numKeypoints is 0 (never read). */
export type Outputs = Required<Candidates>;

/** Checks `out`: boxes, scores and classes, and keypoints only when numKeypoints > 0. */
export function candidates(out: unknown, numKeypoints = 0): Outputs {
  const r = object(out, 'out');
  const boxes = typed<Float32Array>(r.boxes, 'a Float32Array', 'out.boxes');
  const scores = typed<Float32Array>(r.scores, 'a Float32Array', 'out.scores');
  const classes = typed<Int32Array>(r.classes, 'an Int32Array', 'out.classes');
  const keypoints =
    numKeypoints > 0
      ? typed<Float32Array>(r.keypoints, 'a Float32Array', 'out.keypoints')
      : new Float32Array(0);
  return { boxes, scores, classes, keypoints };
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
