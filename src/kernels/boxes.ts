import { expected } from '../errors.js';
import { candidates, checkCapacity } from './candidates.js';
import {
  count,
  exactly,
  field,
  finite,
  numeric,
  object,
  oneOf,
  positive,
  typed,
  typedOrNull,
} from './checks.js';
import type { Kernels } from './types.js';
import { BOX_FORMATS, SCORE_ACTIVATIONS } from './types.js';

/**
 * Reference {@link Kernels.decodeBoxes}. Per box: the activation of its score row in float64, the
 * argmax over the columns other than the background (first eligible column, then strictly greater
 * values only: lowest index on ties, a NaN never replaces the best), its activated value rounded once
 * to float32 as the score, then the box converted to xyxy and scaled (float64, rounded once).
 */
export const decodeBoxes: Kernels['decodeBoxes'] = (boxes, scores, labels, options, out) => {
  const b = typed<Float32Array>(boxes, 'a Float32Array', 'boxes');
  const s = typed<Float32Array>(scores, 'a Float32Array', 'scores');
  const l = typedOrNull<Int32Array>(labels, 'an Int32Array', 'labels');
  const o = object(options, 'options');
  const n = count(o, 'options', 'count');
  const nc = positive(o, 'options', 'numClasses');
  if (l !== null && nc !== 1) throw new RangeError(expected('1 (labels given)', 'options.numClasses', nc));
  const format = field<string>(o, 'options', 'boxFormat', 'one of xyxy, cxcywh, yxyx', oneOf(BOX_FORMATS));
  const sx = finite(o, 'options', 'scaleX');
  const sy = finite(o, 'options', 'scaleY');
  const activation = field<string>(
    o,
    'options',
    'activation',
    'one of none, sigmoid, softmax',
    oneOf(SCORE_ACTIVATIONS),
  );
  const bg = field<number>(
    o,
    'options',
    'background',
    `an integer from -1 to ${nc - 1}`,
    (v) => Number.isInteger(v) && (v as number) >= -1 && (v as number) < nc,
  );
  if (bg >= 0 && nc < 2) {
    throw new RangeError(expected('at least 2 (background given)', 'options.numClasses', nc));
  }
  const conf = numeric(o, 'options', 'confThreshold');
  const r = candidates(out);
  exactly(b.length, n * 4, 'floats (count * 4)', 'boxes.length');
  exactly(s.length, n * nc, 'floats (count * numClasses)', 'scores.length');
  if (l !== null) exactly(l.length, n, 'entries (count)', 'labels.length');
  checkCapacity(r, n, 'count');

  const first = bg === 0 ? 1 : 0; // the first column that may be chosen
  const e = new Float64Array(activation === 'softmax' ? nc : 0);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const row = i * nc;
    let value = (c: number) => s[row + c];
    if (activation === 'sigmoid') {
      value = (c) => 1 / (1 + Math.exp(-s[row + c]));
    } else if (activation === 'softmax') {
      // Like the softmax kernel: max-subtracted, float64 sum, over the whole row (background included).
      let m = -Infinity;
      for (let c = 0; c < nc; c++) if (s[row + c] > m) m = s[row + c];
      let sum = 0;
      for (let c = 0; c < nc; c++) {
        e[c] = Math.exp(s[row + c] - m);
        sum += e[c];
      }
      value = (c) => e[c] / sum;
    }
    let best = first;
    let bestValue = value(first);
    for (let c = first + 1; c < nc; c++) {
      if (c === bg) continue;
      const v = value(c);
      if (v > bestValue) {
        best = c;
        bestValue = v;
      }
    }
    const score = Math.fround(bestValue);
    if (!(score > conf)) continue;
    const [p, q, u, w] = [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
    let [x1, y1, x2, y2] = [p, q, u, w];
    if (format === 'cxcywh') {
      const [halfW, halfH] = [u / 2, w / 2];
      [x1, y1, x2, y2] = [p - halfW, q - halfH, p + halfW, q + halfH];
    } else if (format === 'yxyx') {
      [x1, y1, x2, y2] = [q, p, w, u];
    }
    r.boxes[4 * kept] = x1 * sx;
    r.boxes[4 * kept + 1] = y1 * sy;
    r.boxes[4 * kept + 2] = x2 * sx;
    r.boxes[4 * kept + 3] = y2 * sy;
    r.scores[kept] = score;
    r.classes[kept++] = l !== null ? l[i] : bg >= 0 && best > bg ? best - 1 : best;
  }
  return kept;
};
