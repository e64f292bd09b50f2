/** Reference {@link Kernels.decodeRetinaface} (priors and decoding of biubug6/Pytorch_Retinaface). */
import { candidates, checkCapacity, checkLandmarks, putCentred } from './candidates.js';
import {
  array,
  atLeast,
  count,
  entries,
  exactly,
  isPositiveCount,
  isPositiveFinite,
  numeric,
  object,
  positive,
  typed,
  typedOrNull,
} from './checks.js';
import type { Kernels } from './types.js';

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
    atLeast(level.length, 1, 'entry', levelName);
    out.push(entries(level, levelName, 'a positive finite number', isPositiveFinite));
  }
  return out;
}

/** options.steps: one positive integer per level of minSizes. */
function stepsOf(value: unknown, levels: number): number[] {
  const name = 'options.steps';
  const list = array(value, name);
  exactly(list.length, levels, 'entries (one per level of minSizes)', name);
  return entries(list, name, 'a positive integer', isPositiveCount);
}

/** options.variances: exactly 2 positive finite numbers (centre, size). */
function variancesOf(value: unknown): number[] {
  const name = 'options.variances';
  const list = array(value, name);
  exactly(list.length, 2, 'entries', name);
  return entries(list, name, 'a positive finite number', isPositiveFinite);
}

/** Reference {@link Kernels.decodeRetinaface}. */
export const decodeRetinaface: Kernels['decodeRetinaface'] = (loc, conf, landmarks, options, out) => {
  const lc = typed<Float32Array>(loc, 'a Float32Array', 'loc');
  const cf = typed<Float32Array>(conf, 'a Float32Array', 'conf');
  const lm = typedOrNull<Float32Array>(landmarks, 'a Float32Array', 'landmarks');
  const o = object(options, 'options');
  const w = positive(o, 'options', 'inputWidth');
  const h = positive(o, 'options', 'inputHeight');
  const minSizes = minSizesOf(o.minSizes);
  const steps = stepsOf(o.steps, minSizes.length);
  const [v0, v1] = variancesOf(o.variances);
  const k = count(o, 'options', 'numKeypoints');
  const threshold = numeric(o, 'options', 'confThreshold');
  const r = candidates(out, k);
  // Level k has ⌈h / step⌉ rows of ⌈w / step⌉ cells, one prior per min size in each cell.
  let n = 0;
  for (let level = 0; level < steps.length; level++) {
    const step = steps[level];
    n += Math.ceil(h / step) * Math.ceil(w / step) * minSizes[level].length;
  }
  const unit = `${n} priors`;
  exactly(lc.length, 4 * n, `floats (4 * ${unit})`, 'loc.length');
  exactly(cf.length, 2 * n, `floats (2 * ${unit})`, 'conf.length');
  checkLandmarks(lm, 'landmarks', k, n, unit);
  checkCapacity(r, n, unit, k);
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
          putCentred(r.boxes, kept, cx, cy, bw / 2, bh / 2);
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
