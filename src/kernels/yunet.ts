import { expected } from '../errors.js';
import { atLeast, count, field, isCount, isNumber, object, shown, typed } from './checks.js';
import type { Candidates, FaceStrideOptions, Kernels } from './types.js';

const isPositive = (v: unknown) => isCount(v) && v !== 0;

/** A Float32Array, or null (a model without that output); TypeError otherwise. */
function floatsOrNull(value: unknown, name: string): Float32Array | null {
  if (value === null) return null;
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Float32Array]') {
    return value as Float32Array;
  }
  throw new TypeError(expected('a Float32Array or null', name, shown(value)));
}

/** Into [0, 1] by comparisons (not Math.min/max): NaN stays NaN, so its score is NaN and never kept. */
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Reference {@link Kernels.decodeYunet}: one stride of OpenCV's YuNet, one anchor per cell, cells row
 * by row. Score = √(clamp(cls, 0, 1) × clamp(obj, 0, 1)) in float64, rounded once, kept when strictly
 * above the threshold (a NaN input gives a NaN score, which never is). Boxes and landmarks are
 * computed in float64 and each value rounded once. `kps` may be null only when numKeypoints is 0;
 * otherwise (an empty array included) its length must be 2 × numKeypoints × cells.
 */
export const decodeYunet: Kernels['decodeYunet'] = (
  cls: Float32Array,
  obj: Float32Array,
  bbox: Float32Array,
  kps: Float32Array | null,
  options: FaceStrideOptions,
  out: Candidates,
) => {
  const c = typed<Float32Array>(cls, 'a Float32Array', 'cls');
  const ob = typed<Float32Array>(obj, 'a Float32Array', 'obj');
  const b = typed<Float32Array>(bbox, 'a Float32Array', 'bbox');
  const k = floatsOrNull(kps, 'kps');
  const o = object(options, 'options');
  const s = field<number>(o, 'options', 'stride', 'a positive integer', isPositive);
  const gw = field<number>(o, 'options', 'gridWidth', 'a positive integer', isPositive);
  const gh = field<number>(o, 'options', 'gridHeight', 'a positive integer', isPositive);
  field<number>(o, 'options', 'anchorsPerCell', '1 (YuNet)', (v) => v === 1);
  const nk = count(o, 'options', 'numKeypoints');
  const conf = field<number>(o, 'options', 'confThreshold', 'a number', isNumber);
  const r = object(out, 'out');
  const boxes = typed<Float32Array>(r.boxes, 'a Float32Array', 'out.boxes');
  const scores = typed<Float32Array>(r.scores, 'a Float32Array', 'out.scores');
  const classes = typed<Int32Array>(r.classes, 'an Int32Array', 'out.classes');
  const keypoints = nk > 0 ? typed<Float32Array>(r.keypoints, 'a Float32Array', 'out.keypoints') : null;
  const n = gw * gh;
  if (c.length !== n) {
    throw new RangeError(expected(`${n} floats (gridWidth * gridHeight)`, 'cls.length', c.length));
  }
  if (ob.length !== n) {
    throw new RangeError(expected(`${n} floats (gridWidth * gridHeight)`, 'obj.length', ob.length));
  }
  if (b.length !== 4 * n) {
    throw new RangeError(expected(`${4 * n} floats (4 * gridWidth * gridHeight)`, 'bbox.length', b.length));
  }
  const kpLen = 2 * nk * n;
  const kpShape = `${kpLen} floats (2 * numKeypoints * gridWidth * gridHeight)`;
  if (k === null ? nk > 0 : k.length !== kpLen) {
    throw new RangeError(
      k === null ? expected(kpShape, 'kps', null) : expected(kpShape, 'kps.length', k.length),
    );
  }
  atLeast(boxes.length, 4 * n, 'floats (4 * gridWidth * gridHeight)', 'out.boxes.length');
  atLeast(scores.length, n, 'floats (gridWidth * gridHeight)', 'out.scores.length');
  atLeast(classes.length, n, 'entries (gridWidth * gridHeight)', 'out.classes.length');
  if (keypoints !== null) {
    const what = 'floats (2 * numKeypoints * gridWidth * gridHeight)';
    atLeast(keypoints.length, kpLen, what, 'out.keypoints.length');
  }

  let kept = 0;
  let i = 0;
  for (let row = 0; row < gh; row++) {
    for (let col = 0; col < gw; col++, i++) {
      const score = Math.fround(Math.sqrt(clamp01(c[i]) * clamp01(ob[i])));
      if (!(score > conf)) continue;
      const cx = (b[4 * i] + col) * s;
      const cy = (b[4 * i + 1] + row) * s;
      const halfW = (Math.exp(b[4 * i + 2]) * s) / 2;
      const halfH = (Math.exp(b[4 * i + 3]) * s) / 2;
      boxes[4 * kept] = cx - halfW;
      boxes[4 * kept + 1] = cy - halfH;
      boxes[4 * kept + 2] = cx + halfW;
      boxes[4 * kept + 3] = cy + halfH;
      if (keypoints !== null && k !== null) {
        const [from, to] = [2 * nk * i, 2 * nk * kept];
        for (let p = 0; p < 2 * nk; p += 2) {
          keypoints[to + p] = (k[from + p] + col) * s;
          keypoints[to + p + 1] = (k[from + p + 1] + row) * s;
        }
      }
      scores[kept] = score;
      classes[kept++] = 0;
    }
  }
  return kept;
};
