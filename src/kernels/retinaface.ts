/** Reference {@link Kernels.decodeRetinaface} (priors and decoding of biubug6/Pytorch_Retinaface). */
import { expected } from '../errors.js';
import { atLeast, count, field, isFiniteNumber, isNumber, object, shown, typed } from './checks.js';
import { checkCapacity, checkLandmarks, faceOutputs, floatsOrNull, isPositiveCount } from './scrfd.js';
import type { Kernels } from './types.js';

const isPositiveFinite = (v: unknown) => isFiniteNumber(v) && (v as number) > 0;

/** `value` as an array; TypeError "an array" otherwise. */
function array(value: unknown, name: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw new TypeError(expected('an array', name, shown(value)));
}

/** Entry `i` of `list`, named `<name>[i]`, checked with `ok`; RangeError "Expected <what>" otherwise. */
function entry(list: readonly unknown[], i: number, name: string, what: string, ok: (v: unknown) => boolean) {
  const v = list[i];
  if (ok(v)) return v as number;
  throw new RangeError(expected(what, `${name}[${i}]`, shown(v)));
}

/** options.minSizes: at least one level, each a non-empty array of positive finite sizes. */
function minSizesOf(value: unknown): number[][] {
  const name = 'options.minSizes';
  const levels = array(value, name);
  const n = levels.length;
  atLeast(n, 1, 'entry', name);
  const out: number[][] = [];
  for (let k = 0; k < n; k++) {
    const levelName = `${name}[${k}]`;
    const level = array(levels[k], levelName);
    const m = level.length;
    atLeast(m, 1, 'entry', levelName);
    const sizes: number[] = [];
    for (let i = 0; i < m; i++)
      sizes.push(entry(level, i, levelName, 'a positive finite number', isPositiveFinite));
    out.push(sizes);
  }
  return out;
}

/** options.steps: one positive integer per level of minSizes. */
function stepsOf(value: unknown, levels: number): number[] {
  const name = 'options.steps';
  const list = array(value, name);
  if (list.length !== levels) {
    throw new RangeError(expected(`${levels} entries (one per level of minSizes)`, name, list.length));
  }
  return Array.from({ length: levels }, (_, k) =>
    entry(list, k, name, 'a positive integer', isPositiveCount),
  );
}

/** options.variances: exactly 2 positive finite numbers (centre, size). */
function variancesOf(value: unknown): number[] {
  const name = 'options.variances';
  const list = array(value, name);
  if (list.length !== 2) throw new RangeError(expected('2 entries', name, list.length));
  return [0, 1].map((i) => entry(list, i, name, 'a positive finite number', isPositiveFinite));
}

/** Reference {@link Kernels.decodeRetinaface}. */
export const decodeRetinaface: Kernels['decodeRetinaface'] = (loc, conf, landmarks, options, out) => {
  const lc = typed<Float32Array>(loc, 'a Float32Array', 'loc');
  const cf = typed<Float32Array>(conf, 'a Float32Array', 'conf');
  const lm = floatsOrNull(landmarks, 'landmarks');
  const o = object(options, 'options');
  const w = field<number>(o, 'options', 'inputWidth', 'a positive integer', isPositiveCount);
  const h = field<number>(o, 'options', 'inputHeight', 'a positive integer', isPositiveCount);
  const minSizes = minSizesOf(o.minSizes);
  const steps = stepsOf(o.steps, minSizes.length);
  const [v0, v1] = variancesOf(o.variances);
  const k = count(o, 'options', 'numKeypoints');
  const threshold = field<number>(o, 'options', 'confThreshold', 'a number', isNumber);
  const r = faceOutputs(out, k);
  // Level k has ⌈h / step⌉ rows of ⌈w / step⌉ cells, one prior per min size in each cell.
  let n = 0;
  for (let level = 0; level < steps.length; level++) {
    const step = steps[level];
    n += Math.ceil(h / step) * Math.ceil(w / step) * minSizes[level].length;
  }
  const unit = `${n} priors`;
  if (lc.length !== 4 * n)
    throw new RangeError(expected(`${4 * n} floats (4 * ${unit})`, 'loc.length', lc.length));
  if (cf.length !== 2 * n)
    throw new RangeError(expected(`${2 * n} floats (2 * ${unit})`, 'conf.length', cf.length));
  checkLandmarks(lm, 'landmarks', k, n, unit);
  checkCapacity(r, k, n, unit);
  const l = lm ?? r.keypoints; // read only when k > 0, where lm is not null

  let p = 0;
  let kept = 0;
  for (let level = 0; level < steps.length; level++) {
    const step = steps[level];
    const sizes = minSizes[level];
    const [rows, cols] = [Math.ceil(h / step), Math.ceil(w / step)];
    for (let i = 0; i < rows; i++) {
      const pcy = (i + 0.5) * step;
      for (let j = 0; j < cols; j++) {
        const pcx = (j + 0.5) * step;
        for (const m of sizes) {
          const prior = p++;
          const score = cf[2 * prior + 1];
          if (!(score > threshold)) continue;
          const at = 4 * prior;
          const cx = pcx + lc[at] * v0 * m;
          const cy = pcy + lc[at + 1] * v0 * m;
          const bw = m * Math.exp(lc[at + 2] * v1);
          const bh = m * Math.exp(lc[at + 3] * v1);
          r.boxes[4 * kept] = cx - bw / 2;
          r.boxes[4 * kept + 1] = cy - bh / 2;
          r.boxes[4 * kept + 2] = cx + bw / 2;
          r.boxes[4 * kept + 3] = cy + bh / 2;
          for (let q = 0; q < k; q++) {
            r.keypoints[2 * (k * kept + q)] = pcx + l[2 * (k * prior + q)] * v0 * m;
            r.keypoints[2 * (k * kept + q) + 1] = pcy + l[2 * (k * prior + q) + 1] * v0 * m;
          }
          r.scores[kept] = score;
          r.classes[kept++] = 0;
        }
      }
    }
  }
  return kept;
};
