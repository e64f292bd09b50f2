import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type YoloxDecodeOptions } from '../../src/kernels/index.js';
import { candidates, decoded, message } from '../helpers/kernels.js';

const f = Math.fround;

function decode(k: Kernels, output: number[], o: YoloxDecodeOptions) {
  const out = candidates(output.length / (5 + o.numClasses));
  return decoded(out, k.decodeYolox(Float32Array.from(output), o, out));
}

// Input 16×16, strides [8, 16]: a 2×2 grid (anchors 0–3, row by row), then a 1×1 grid (anchor 4).
// Rows: x, y, log w, log h, objectness, class 0, class 1.
const HEAD = [
  [0.5, 0.5, 0, 0, 1, 0.2, 0.9], // s8 (row 0, col 0): box 0,0–8,8, class 1
  [0, 0, 0, 0, 0.5, 0.5, 0.5], // s8 (row 0, col 1): 0.5 × 0.5 = 0.25, tie → class 0
  [0.25, 0.75, 0, 0, 1, 0.75, 0], // s8 (row 1, col 0): cx 2, cy 14
  [0.5, 0.5, 0, 0, 0, 1, 1], // s8 (row 1, col 1): objectness 0 → score 0
  [0.5, 0.5, 0, 0, 0.5, 0.5, 1], // s16 (row 0, col 0): box 0,0–16,16, score 0.5, class 1
].flat();
const opts = (confThreshold: number): YoloxDecodeOptions => ({
  numClasses: 2,
  inputWidth: 16,
  inputHeight: 16,
  strides: [8, 16],
  confThreshold,
});

describe.each(['reference', 'native'] as const)('%s decodeYolox', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('decodes grid offsets and log sizes stride by stride, cells row by row', () => {
    expect(decode(k, HEAD, opts(0.3))).toEqual({
      boxes: [0, 0, 8, 8, -2, 10, 6, 18, 0, 0, 16, 16],
      scores: [f(0.9), 0.75, 0.5],
      classes: [1, 0, 1],
    });
    expect(decode(k, HEAD, opts(0.2))).toEqual({
      boxes: [0, 0, 8, 8, 4, -4, 12, 4, -2, 10, 6, 18, 0, 0, 16, 16],
      scores: [f(0.9), 0.25, 0.75, 0.5],
      classes: [1, 0, 0, 1],
    });
  });

  it('multiplies objectness into the best class score and keeps only scores strictly above the threshold', () => {
    // Anchor 3 has class scores of 1 but objectness 0; anchor 4 scores exactly 0.5.
    expect(decode(k, HEAD, opts(0)).scores).toEqual([f(0.9), 0.25, 0.75, 0.5]);
    expect(decode(k, HEAD, opts(-1)).scores).toEqual([f(0.9), 0.25, 0.75, 0, 0.5]);
    expect(decode(k, HEAD, opts(0.5)).scores).toEqual([f(0.9), 0.75]);
    expect(decode(k, HEAD, opts(0.4999)).scores).toEqual([f(0.9), 0.75, 0.5]);
    // The product is rounded once to float32.
    const head = [0, 0, 0, 0, 0.3, 0.7];
    const one = { numClasses: 1, inputWidth: 8, inputHeight: 8, strides: [8], confThreshold: 0 };
    expect(decode(k, head, one).scores).toEqual([f(f(0.3) * f(0.7))]);
  });

  it('exponentiates the log sizes and scales everything by the stride', () => {
    const head = [0.5, 0.25, Math.log(2), Math.log(0.5), 1, 1];
    const o = { numClasses: 1, inputWidth: 32, inputHeight: 32, strides: [32], confThreshold: 0 };
    const [x1, y1, x2, y2] = decode(k, head, o).boxes as [number, number, number, number];
    // cx = 16, cy = 8, w ≈ 64, h ≈ 16.
    expect(x1).toBeCloseTo(-16, 5);
    expect(y1).toBeCloseTo(0, 5);
    expect(x2).toBeCloseTo(48, 5);
    expect(y2).toBeCloseTo(16, 5);
  });

  it('floors the grid of a non-square input and walks it row by row', () => {
    // 27 wide, 17 tall, stride 8: 2 rows of 3 cells. Only cell (row 1, col 2) scores.
    const rows = Array.from({ length: 6 }, (_, i) => [0, 0, 0, 0, i === 5 ? 1 : 0, 1]);
    const o = { numClasses: 1, inputWidth: 27, inputHeight: 17, strides: [8], confThreshold: 0.5 };
    expect(decode(k, rows.flat(), o)).toEqual({ boxes: [12, 4, 20, 12], scores: [1], classes: [0] });
    // A stride larger than the input contributes no anchors.
    expect(decode(k, rows.flat(), { ...o, strides: [8, 32] }).classes).toEqual([0]);
  });

  it('breaks class ties by the lowest index and never keeps NaN scores', () => {
    const head = [
      [0, 0, 0, 0, 1, 0.5, 0.5, 0.5], // tie → class 0
      [0, 0, 0, 0, 1, 0.1, 0.6, 0.6], // tie between 1 and 2 → class 1
      [0, 0, 0, 0, Number.NaN, 1, 1, 1], // NaN objectness
      [0, 0, 0, 0, 1, Number.NaN, 0.9, 0.8], // NaN first class score: nothing beats NaN, score NaN
      [0, 0, 0, 0, 1, 0.2, Number.NaN, 0.8], // a later NaN is skipped: class 2
    ].flat();
    const o = { numClasses: 3, inputWidth: 40, inputHeight: 8, strides: [8], confThreshold: -Infinity };
    expect(decode(k, head, o)).toMatchObject({ scores: [0.5, f(0.6), f(0.8)], classes: [0, 1, 2] });
  });

  it('handles a single class and grids without anchors', () => {
    // cx = cy = (4 + 0) × 16 = 64, w = h = 16.
    const o = { ...opts(0), numClasses: 1, strides: [16] };
    expect(decode(k, [4, 4, 0, 0, 1, 1], o).boxes).toEqual([56, 56, 72, 72]);
    expect(decode(k, [], { ...opts(0), strides: [32] }).scores).toEqual([]);
  });

  it('validates the head, the options and the output capacity', () => {
    const run =
      (o: unknown, head = HEAD, out?: unknown) =>
      () => {
        const result = {
          boxes: new Float32Array(20),
          scores: new Float32Array(5),
          classes: new Int32Array(5),
        };
        return k.decodeYolox(Float32Array.from(head), o as never, (out ?? result) as never);
      };
    expect(message(run(opts(0), HEAD.slice(1)))).toBe(
      'RangeError: Expected 35 floats (5 anchors * (5 + numClasses)) for output.length but received 34',
    );
    expect(message(run({ ...opts(0), strides: [8] }))).toBe(
      'RangeError: Expected 28 floats (4 anchors * (5 + numClasses)) for output.length but received 35',
    );
    expect(message(run({ ...opts(0), numClasses: 0 }))).toBe(
      'RangeError: Expected a positive integer for options.numClasses but received 0',
    );
    expect(message(run({ ...opts(0), inputWidth: 16.5 }))).toBe(
      'RangeError: Expected a positive integer for options.inputWidth but received 16.5',
    );
    expect(message(run({ ...opts(0), inputHeight: '16' }))).toBe(
      'RangeError: Expected a positive integer for options.inputHeight but received "16"',
    );
    expect(message(run({ ...opts(0), strides: undefined }))).toBe(
      'TypeError: Expected an array for options.strides but received undefined',
    );
    expect(message(run({ ...opts(0), strides: Int32Array.of(8, 16) }))).toBe(
      'TypeError: Expected an array for options.strides but received "[object Int32Array]"',
    );
    expect(message(run({ ...opts(0), strides: [] }))).toBe(
      'RangeError: Expected at least 1 entry for options.strides but received 0',
    );
    expect(message(run({ ...opts(0), strides: [8, 0] }))).toBe(
      'RangeError: Expected a positive integer for options.strides[1] but received 0',
    );
    expect(message(run({ ...opts(0), strides: [8, 16, null] }))).toBe(
      'RangeError: Expected a positive integer for options.strides[2] but received null',
    );
    expect(message(run(opts(Number.NaN)))).toBe(
      'RangeError: Expected a number for options.confThreshold but received null',
    );
    expect(message(run(null))).toBe('TypeError: Expected an object for options but received null');
    expect(message(() => k.decodeYolox(HEAD as never, opts(0), {} as never))).toBe(
      'TypeError: Expected a Float32Array for output but received "[object Array]"',
    );
    const out = (n: number, classes: unknown = new Int32Array(5)) => ({
      boxes: new Float32Array(4 * n),
      scores: new Float32Array(n),
      classes,
    });
    expect(message(run(opts(0), HEAD, out(4)))).toBe(
      'RangeError: Expected at least 20 floats (4 * anchors) for out.boxes.length but received 16',
    );
    expect(message(run(opts(0), HEAD, { ...out(5), scores: new Float32Array(4) }))).toBe(
      'RangeError: Expected at least 5 floats (anchors) for out.scores.length but received 4',
    );
    expect(message(run(opts(0), HEAD, out(5, new Int32Array(4))))).toBe(
      'RangeError: Expected at least 5 entries (anchors) for out.classes.length but received 4',
    );
    expect(message(run(opts(0), HEAD, out(5, new Float32Array(5))))).toBe(
      'TypeError: Expected an Int32Array for out.classes but received "[object Float32Array]"',
    );
    expect(message(run(opts(0), HEAD, 'out'))).toBe(
      'TypeError: Expected an object for out but received "out"',
    );
  });
});
