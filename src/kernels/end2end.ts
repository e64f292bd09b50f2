import { candidates, checkCapacity } from './candidates.js';
import { count, exactly, numeric, object, typed } from './checks.js';
import type { Kernels } from './types.js';

/** The class column as an int32 when it is an integer in [0, 2³¹), else −1 (2.5, −1, NaN, 1e10). */
const classOf = (v: number) => (v >= 0 && v < 2 ** 31 && Math.trunc(v) === v ? v : -1);

/**
 * Reference {@link Kernels.decodeEnd2end}: rows x1, y1, x2, y2, score, class; keeps the rows whose
 * score is strictly above the threshold (NaN never is), box and score copied as they are.
 */
export const decodeEnd2end: Kernels['decodeEnd2end'] = (output, options, out) => {
  const f = typed<Float32Array>(output, 'a Float32Array', 'output');
  const o = object(options, 'options');
  const n = count(o, 'options', 'numRows');
  const conf = numeric(o, 'options', 'confThreshold');
  const r = candidates(out);
  exactly(f.length, n * 6, 'floats (numRows * 6)', 'output.length');
  checkCapacity(r, n, 'numRows');

  let kept = 0;
  for (let i = 0; i < n; i++) {
    const row = 6 * i;
    const score = f[row + 4];
    if (!(score > conf)) continue;
    r.boxes[4 * kept] = f[row];
    r.boxes[4 * kept + 1] = f[row + 1];
    r.boxes[4 * kept + 2] = f[row + 2];
    r.boxes[4 * kept + 3] = f[row + 3];
    r.scores[kept] = score;
    r.classes[kept++] = classOf(f[row + 5]);
  }
  return kept;
};
