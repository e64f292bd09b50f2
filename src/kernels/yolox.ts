import { expected } from '../errors.js';
import { atLeast, field, isCount, isNumber, object, shown, typed } from './checks.js';
import type { Candidates, Kernels, YoloxDecodeOptions } from './types.js';

const isPositive = (v: unknown) => isCount(v) && v !== 0;

/** `options.strides`: a non-empty array of positive integers, each entry named in messages. */
function strideList(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(expected('an array', name, shown(value)));
  if (value.length === 0) throw new RangeError(expected('at least 1 entry', name, value.length));
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (!isPositive(v)) throw new RangeError(expected('a positive integer', `${name}[${i}]`, shown(v)));
    out.push(v as number);
  }
  return out;
}

/**
 * Reference {@link Kernels.decodeYolox}: rows x, y, log w, log h, objectness, then C class scores,
 * anchors stride by stride and cells row by row. Best class = argmax of the class scores (lowest
 * index on ties, NaN never wins over an earlier score); score = objectness × that class score,
 * computed in float64 and rounded once; kept when strictly above the threshold (NaN never is).
 * The box is computed in float64 and each corner rounded once.
 */
export const decodeYolox: Kernels['decodeYolox'] = (
  output: Float32Array,
  options: YoloxDecodeOptions,
  out: Candidates,
) => {
  const f = typed<Float32Array>(output, 'a Float32Array', 'output');
  const o = object(options, 'options');
  const nc = field<number>(o, 'options', 'numClasses', 'a positive integer', isPositive);
  const width = field<number>(o, 'options', 'inputWidth', 'a positive integer', isPositive);
  const height = field<number>(o, 'options', 'inputHeight', 'a positive integer', isPositive);
  const strides = strideList(o.strides, 'options.strides');
  const conf = field<number>(o, 'options', 'confThreshold', 'a number', isNumber);
  const r = object(out, 'out');
  const boxes = typed<Float32Array>(r.boxes, 'a Float32Array', 'out.boxes');
  const scores = typed<Float32Array>(r.scores, 'a Float32Array', 'out.scores');
  const classes = typed<Int32Array>(r.classes, 'an Int32Array', 'out.classes');
  let n = 0;
  for (const s of strides) n += Math.floor(height / s) * Math.floor(width / s);
  const rowLength = 5 + nc;
  const len = n * rowLength;
  if (f.length !== len) {
    throw new RangeError(
      expected(`${len} floats (${n} anchors * (5 + numClasses))`, 'output.length', f.length),
    );
  }
  atLeast(boxes.length, 4 * n, 'floats (4 * anchors)', 'out.boxes.length');
  atLeast(scores.length, n, 'floats (anchors)', 'out.scores.length');
  atLeast(classes.length, n, 'entries (anchors)', 'out.classes.length');

  let kept = 0;
  let i = 0;
  for (const s of strides) {
    const [rows, cols] = [Math.floor(height / s), Math.floor(width / s)];
    for (let gy = 0; gy < rows; gy++) {
      for (let gx = 0; gx < cols; gx++, i++) {
        const row = i * rowLength;
        let best = 0;
        let bestScore = f[row + 5];
        for (let c = 1; c < nc; c++) {
          if (f[row + 5 + c] > bestScore) {
            best = c;
            bestScore = f[row + 5 + c];
          }
        }
        const score = Math.fround(f[row + 4] * bestScore);
        if (!(score > conf)) continue;
        const cx = (f[row] + gx) * s;
        const cy = (f[row + 1] + gy) * s;
        const halfW = (Math.exp(f[row + 2]) * s) / 2;
        const halfH = (Math.exp(f[row + 3]) * s) / 2;
        boxes[4 * kept] = cx - halfW;
        boxes[4 * kept + 1] = cy - halfH;
        boxes[4 * kept + 2] = cx + halfW;
        boxes[4 * kept + 3] = cy + halfH;
        scores[kept] = score;
        classes[kept++] = best;
      }
    }
  }
  return kept;
};
