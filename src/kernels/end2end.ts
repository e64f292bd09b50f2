import { expected } from '../errors.js';
import { atLeast, count, field, isNumber, object, typed } from './checks.js';
import type { Candidates, End2endDecodeOptions, Kernels } from './types.js';

/** The class column as an int32 when it is an integer in [0, 2³¹), else −1 (2.5, −1, NaN, 1e10). */
const classOf = (v: number) => (v >= 0 && v < 2 ** 31 && Math.trunc(v) === v ? v : -1);

/**
 * Reference {@link Kernels.decodeEnd2end}: rows x1, y1, x2, y2, score, class; keeps the rows whose
 * score is strictly above the threshold (NaN never is), box and score copied as they are.
 */
export const decodeEnd2end: Kernels['decodeEnd2end'] = (
  output: Float32Array,
  options: End2endDecodeOptions,
  out: Candidates,
) => {
  const f = typed<Float32Array>(output, 'a Float32Array', 'output');
  const o = object(options, 'options');
  const n = count(o, 'options', 'numRows');
  const conf = field<number>(o, 'options', 'confThreshold', 'a number', isNumber);
  const r = object(out, 'out');
  const boxes = typed<Float32Array>(r.boxes, 'a Float32Array', 'out.boxes');
  const scores = typed<Float32Array>(r.scores, 'a Float32Array', 'out.scores');
  const classes = typed<Int32Array>(r.classes, 'an Int32Array', 'out.classes');
  if (f.length !== n * 6) {
    throw new RangeError(expected(`${n * 6} floats (numRows * 6)`, 'output.length', f.length));
  }
  atLeast(boxes.length, 4 * n, 'floats (4 * numRows)', 'out.boxes.length');
  atLeast(scores.length, n, 'floats (numRows)', 'out.scores.length');
  atLeast(classes.length, n, 'entries (numRows)', 'out.classes.length');

  let kept = 0;
  for (let i = 0; i < n; i++) {
    const row = 6 * i;
    const score = f[row + 4];
    if (!(score > conf)) continue;
    boxes[4 * kept] = f[row];
    boxes[4 * kept + 1] = f[row + 1];
    boxes[4 * kept + 2] = f[row + 2];
    boxes[4 * kept + 3] = f[row + 3];
    scores[kept] = score;
    classes[kept++] = classOf(f[row + 5]);
  }
  return kept;
};
