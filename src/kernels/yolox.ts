import { bestClass, candidates, checkCapacity, putGridBox } from './candidates.js';
import {
  array,
  atLeast,
  entries,
  exactly,
  isPositiveCount,
  numeric,
  object,
  positive,
  typed,
} from './checks.js';
import type { Kernels } from './types.js';

/** `options.strides`: a non-empty array of positive integers, each entry named in messages. */
function strideList(value: unknown, name: string): number[] {
  const list = array(value, name);
  atLeast(list.length, 1, 'entry', name);
  return entries(list, name, 'a positive integer', isPositiveCount);
}

/**
 * Reference {@link Kernels.decodeYolox}: rows x, y, log w, log h, objectness, then C class scores,
 * anchors stride by stride and cells row by row. Best class = argmax of the class scores (lowest
 * index on ties, NaN never wins over an earlier score); score = objectness × that class score,
 * computed in float64 and rounded once; kept when strictly above the threshold (NaN never is).
 * The box is computed in float64 and each corner rounded once.
 */
export const decodeYolox: Kernels['decodeYolox'] = (output, options, out) => {
  const f = typed<Float32Array>(output, 'a Float32Array', 'output');
  const o = object(options, 'options');
  const nc = positive(o, 'options', 'numClasses');
  const width = positive(o, 'options', 'inputWidth');
  const height = positive(o, 'options', 'inputHeight');
  const strides = strideList(o.strides, 'options.strides');
  const conf = numeric(o, 'options', 'confThreshold');
  const r = candidates(out);
  let n = 0;
  for (const s of strides) n += Math.floor(height / s) * Math.floor(width / s);
  const rowLength = 5 + nc;
  exactly(f.length, n * rowLength, `floats (${n} anchors * (5 + numClasses))`, 'output.length');
  checkCapacity(r, n, 'anchors');

  let kept = 0;
  let i = 0;
  for (const s of strides) {
    const [rows, cols] = [Math.floor(height / s), Math.floor(width / s)];
    for (let gy = 0; gy < rows; gy++) {
      for (let gx = 0; gx < cols; gx++, i++) {
        const row = i * rowLength;
        const best = bestClass(f, row + 5, 1, nc);
        const score = Math.fround(f[row + 4] * f[row + 5 + best]);
        if (!(score > conf)) continue;
        putGridBox(r.boxes, kept, f, row, gx, gy, s);
        r.scores[kept] = score;
        r.classes[kept++] = best;
      }
    }
  }
  return kept;
};
