import { candidates, checkCapacity, checkLandmarks, putGridBox } from './candidates.js';
import { count, exactly, field, numeric, object, positive, typed, typedOrNull } from './checks.js';
import type { Kernels } from './types.js';

const CELLS = 'gridWidth * gridHeight';

/** Into [0, 1] by comparisons (not Math.min/max): NaN stays NaN, so its score is NaN and never kept. */
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Reference {@link Kernels.decodeYunet}: one stride of OpenCV's YuNet, one anchor per cell, cells row
 * by row. Score = √(clamp(cls, 0, 1) × clamp(obj, 0, 1)) in float64, rounded once, kept when strictly
 * above the threshold (a NaN input gives a NaN score, which never is). Boxes and landmarks are
 * computed in float64 and each value rounded once. `kps` may be null only when numKeypoints is 0;
 * otherwise (an empty array included) its length must be 2 × numKeypoints × cells.
 */
export const decodeYunet: Kernels['decodeYunet'] = (cls, obj, bbox, kps, options, out) => {
  const c = typed<Float32Array>(cls, 'a Float32Array', 'cls');
  const ob = typed<Float32Array>(obj, 'a Float32Array', 'obj');
  const b = typed<Float32Array>(bbox, 'a Float32Array', 'bbox');
  const kp = typedOrNull<Float32Array>(kps, 'a Float32Array', 'kps');
  const o = object(options, 'options');
  const s = positive(o, 'options', 'stride');
  const gw = positive(o, 'options', 'gridWidth');
  const gh = positive(o, 'options', 'gridHeight');
  field<number>(o, 'options', 'anchorsPerCell', '1 (YuNet)', (v) => v === 1);
  const nk = count(o, 'options', 'numKeypoints');
  const conf = numeric(o, 'options', 'confThreshold');
  const r = candidates(out, nk);
  const n = gw * gh;
  exactly(c.length, n, `floats (${CELLS})`, 'cls.length');
  exactly(ob.length, n, `floats (${CELLS})`, 'obj.length');
  exactly(b.length, 4 * n, `floats (4 * ${CELLS})`, 'bbox.length');
  checkLandmarks(kp, 'kps', nk, n, CELLS);
  checkCapacity(r, n, CELLS, nk);
  const l = kp ?? r.keypoints; // read only when nk > 0, where kp is not null

  let kept = 0;
  let i = 0;
  for (let row = 0; row < gh; row++) {
    for (let col = 0; col < gw; col++, i++) {
      const score = Math.fround(Math.sqrt(clamp01(c[i]) * clamp01(ob[i])));
      if (!(score > conf)) continue;
      putGridBox(r.boxes, kept, b, 4 * i, col, row, s);
      const [from, to] = [2 * nk * i, 2 * nk * kept];
      for (let p = 0; p < 2 * nk; p += 2) {
        r.keypoints[to + p] = (l[from + p] + col) * s;
        r.keypoints[to + p + 1] = (l[from + p + 1] + row) * s;
      }
      r.scores[kept] = score;
      r.classes[kept++] = 0;
    }
  }
  return kept;
};
