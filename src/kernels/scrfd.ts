/**
 * Reference {@link Kernels.decodeScrfd}, and the checks every face decoder with landmarks shares
 * (mirrored by native/src/face_args.cc).
 */
import { expected } from '../errors.js';
import { atLeast, count, field, isCount, isNumber, object, shown, typed } from './checks.js';
import type { Kernels } from './types.js';

export const isPositiveCount = (v: unknown) => isCount(v) && v !== 0;

/** The output arrays of a face decoder; `keypoints` is empty when numKeypoints is 0 (never read). */
export interface FaceOutputs {
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  keypoints: Float32Array;
}

/** `value` when it is a Float32Array, null when null; TypeError "a Float32Array or null" otherwise. */
export function floatsOrNull(value: unknown, name: string): Float32Array | null {
  if (value === null) return null;
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Float32Array]') {
    return value as Float32Array;
  }
  throw new TypeError(expected('a Float32Array or null', name, shown(value)));
}

/** Checks `out`: boxes, scores and classes, and keypoints only when numKeypoints > 0. */
export function faceOutputs(out: unknown, numKeypoints: number): FaceOutputs {
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

/** Room in `out` for `n` candidates (`unit` says what n counts), keypoints only when k > 0. */
export function checkCapacity(out: FaceOutputs, k: number, n: number, unit: string): void {
  atLeast(out.boxes.length, 4 * n, `floats (4 * ${unit})`, 'out.boxes.length');
  atLeast(out.scores.length, n, `floats (${unit})`, 'out.scores.length');
  atLeast(out.classes.length, n, `entries (${unit})`, 'out.classes.length');
  if (k > 0) {
    atLeast(out.keypoints.length, 2 * k * n, `floats (2 * numKeypoints * ${unit})`, 'out.keypoints.length');
  }
}

const ANCHORS = 'gridWidth * gridHeight * anchorsPerCell';

/** Reference {@link Kernels.decodeScrfd}. */
export const decodeScrfd: Kernels['decodeScrfd'] = (scores, bbox, kps, options, out) => {
  const sc = typed<Float32Array>(scores, 'a Float32Array', 'scores');
  const bb = typed<Float32Array>(bbox, 'a Float32Array', 'bbox');
  const kp = floatsOrNull(kps, 'kps');
  const o = object(options, 'options');
  const s = field<number>(o, 'options', 'stride', 'a positive integer', isPositiveCount);
  const gw = field<number>(o, 'options', 'gridWidth', 'a positive integer', isPositiveCount);
  const gh = field<number>(o, 'options', 'gridHeight', 'a positive integer', isPositiveCount);
  const apc = field<number>(o, 'options', 'anchorsPerCell', 'a positive integer', isPositiveCount);
  const k = count(o, 'options', 'numKeypoints');
  const conf = field<number>(o, 'options', 'confThreshold', 'a number', isNumber);
  const r = faceOutputs(out, k);
  const n = gw * gh * apc;
  if (sc.length !== n) throw new RangeError(expected(`${n} floats (${ANCHORS})`, 'scores.length', sc.length));
  if (bb.length !== 4 * n) {
    throw new RangeError(expected(`${4 * n} floats (4 * ${ANCHORS})`, 'bbox.length', bb.length));
  }
  checkLandmarks(kp, 'kps', k, n, ANCHORS);
  checkCapacity(r, k, n, ANCHORS);
  const l = kp ?? r.keypoints; // read only when k > 0, where kp is not null

  // Anchors are listed cell by cell (row by row), anchorsPerCell consecutive anchors per cell, all
  // centred on the cell's top-left corner (col × s, row × s) as in InsightFace.
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const score = sc[i];
    if (!(score > conf)) continue;
    const cell = Math.floor(i / apc);
    const cx = (cell % gw) * s;
    const cy = Math.floor(cell / gw) * s;
    r.boxes[4 * kept] = cx - bb[4 * i] * s;
    r.boxes[4 * kept + 1] = cy - bb[4 * i + 1] * s;
    r.boxes[4 * kept + 2] = cx + bb[4 * i + 2] * s;
    r.boxes[4 * kept + 3] = cy + bb[4 * i + 3] * s;
    for (let j = 0; j < k; j++) {
      r.keypoints[2 * (k * kept + j)] = cx + l[2 * (k * i + j)] * s;
      r.keypoints[2 * (k * kept + j) + 1] = cy + l[2 * (k * i + j) + 1] * s;
    }
    r.scores[kept] = score;
    r.classes[kept++] = 0;
  }
  return kept;
};
