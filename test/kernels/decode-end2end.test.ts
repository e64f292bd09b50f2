import { beforeAll, describe, expect, it } from 'vitest';
import { type End2endDecodeOptions, type Kernels, loadKernels } from '../../src/kernels/index.js';
import { candidates, decoded, message } from '../helpers/kernels.js';

const f = Math.fround;

function decode(k: Kernels, rows: number[][], confThreshold: number, capacity = rows.length) {
  const out = candidates(capacity);
  const o = { numRows: rows.length, confThreshold };
  return decoded(out, k.decodeEnd2end(Float32Array.from(rows.flat()), o, out));
}

// Rows x1, y1, x2, y2, score, class.
const ROWS = [
  [10.5, 20.25, 30, 40, 0.9, 3],
  [1, 2, 3, 4, 0.1, 0],
  [-5, -6, 7.125, 8, 0.6, 0],
  [0, 0, 640, 480, 0.3, 79],
];

describe.each(['reference', 'native'] as const)('%s decodeEnd2end', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('keeps the rows above the threshold in row order, boxes and scores as they are', () => {
    expect(decode(k, ROWS, 0.25)).toEqual({
      boxes: [10.5, 20.25, 30, 40, -5, -6, 7.125, 8, 0, 0, 640, 480],
      scores: [f(0.9), f(0.6), f(0.3)],
      classes: [3, 0, 79],
    });
    expect(decode(k, ROWS, 0.5).classes).toEqual([3, 0]);
    expect(decode(k, ROWS, -Infinity).classes).toEqual([3, 0, 0, 79]);
    expect(decode(k, ROWS, 1).scores).toEqual([]);
  });

  it('keeps only scores strictly above the threshold and never a NaN score', () => {
    const rows = [
      [0, 0, 1, 1, 0.5, 1],
      [0, 0, 1, 1, Number.NaN, 2],
      [0, 0, 1, 1, 0.75, 3],
    ];
    expect(decode(k, rows, 0.5).classes).toEqual([3]);
    expect(decode(k, rows, 0.4999).classes).toEqual([1, 3]);
    expect(decode(k, rows, -Infinity).classes).toEqual([1, 3]);
  });

  it('writes −1 for class values that are not integers in [0, 2³¹)', () => {
    const classes = [2.5, -1, Number.NaN, 1e10, 2 ** 31, Infinity, -Infinity, -0, 0.000001, 2147483520, 7];
    const rows = classes.map((c) => [0, 0, 1, 1, 0.9, c]);
    expect(decode(k, rows, 0).classes).toEqual([-1, -1, -1, -1, -1, -1, -1, 0, -1, 2147483520, 7]);
  });

  it('copies NaN and inverted boxes unchanged', () => {
    const got = decode(k, [[Number.NaN, 5, -1, -Infinity, 0.8, 0]], 0);
    expect(got.boxes).toEqual([Number.NaN, 5, -1, -Infinity]);
  });

  it('handles zero rows and a larger output than needed', () => {
    expect(decode(k, [], 0)).toEqual({ boxes: [], scores: [], classes: [] });
    expect(decode(k, ROWS, 0.5, 10).scores).toEqual([f(0.9), f(0.6)]);
  });

  it('validates the rows, the options and the output capacity', () => {
    const output = Float32Array.from(ROWS.flat());
    const o: End2endDecodeOptions = { numRows: 4, confThreshold: 0.5 };
    const out = { boxes: new Float32Array(16), scores: new Float32Array(4), classes: new Int32Array(4) };
    const cases: [() => unknown, string][] = [
      [
        () => k.decodeEnd2end(output.subarray(1), o, out),
        'RangeError: Expected 24 floats (numRows * 6) for output.length but received 23',
      ],
      [
        () => k.decodeEnd2end(output, { ...o, numRows: 3 }, out),
        'RangeError: Expected 18 floats (numRows * 6) for output.length but received 24',
      ],
      [
        () => k.decodeEnd2end([1, 2] as never, o, out),
        'TypeError: Expected a Float32Array for output but received "[object Array]"',
      ],
      [
        () => k.decodeEnd2end(output, null as never, out),
        'TypeError: Expected an object for options but received null',
      ],
      [
        () => k.decodeEnd2end(output, { ...o, numRows: -1 }, out),
        'RangeError: Expected a non-negative integer for options.numRows but received -1',
      ],
      [
        () => k.decodeEnd2end(output, { ...o, numRows: 1.5 }, out),
        'RangeError: Expected a non-negative integer for options.numRows but received 1.5',
      ],
      [
        () => k.decodeEnd2end(output, { ...o, confThreshold: Number.NaN }, out),
        'RangeError: Expected a number for options.confThreshold but received null',
      ],
      [
        () => k.decodeEnd2end(output, { numRows: 4 } as never, out),
        'RangeError: Expected a number for options.confThreshold but received undefined',
      ],
      [
        () => k.decodeEnd2end(output, o, 'out' as never),
        'TypeError: Expected an object for out but received "out"',
      ],
      [
        () => k.decodeEnd2end(output, o, { ...out, boxes: new Float32Array(15) }),
        'RangeError: Expected at least 16 floats (4 * numRows) for out.boxes.length but received 15',
      ],
      [
        () => k.decodeEnd2end(output, o, { ...out, scores: new Float32Array(3) }),
        'RangeError: Expected at least 4 floats (numRows) for out.scores.length but received 3',
      ],
      [
        () => k.decodeEnd2end(output, o, { ...out, classes: new Int32Array(3) }),
        'RangeError: Expected at least 4 entries (numRows) for out.classes.length but received 3',
      ],
      [
        () => k.decodeEnd2end(output, o, { ...out, classes: new Float32Array(4) as never }),
        'TypeError: Expected an Int32Array for out.classes but received "[object Float32Array]"',
      ],
      [
        () => k.decodeEnd2end(output, o, { ...out, scores: undefined as never }),
        'TypeError: Expected a Float32Array for out.scores but received undefined',
      ],
    ];
    for (const [run, text] of cases) expect(message(run)).toBe(text);
  });
});
