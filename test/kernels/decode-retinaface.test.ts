import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type RetinafaceDecodeOptions } from '../../src/kernels/index.js';
import { candidates, decoded, message } from '../helpers/kernels.js';

const f = Math.fround;

/** The number of priors of `o` (level k: ⌈H / step⌉ × ⌈W / step⌉ cells × its min sizes). */
const priorCount = (o: RetinafaceDecodeOptions) =>
  o.steps.reduce(
    (n, step, k) =>
      n + Math.ceil(o.inputHeight / step) * Math.ceil(o.inputWidth / step) * o.minSizes[k].length,
    0,
  );

function decode(
  k: Kernels,
  loc: number[],
  conf: number[],
  landmarks: number[] | null,
  o: RetinafaceDecodeOptions,
) {
  const out = candidates(priorCount(o), o.numKeypoints);
  const lm = landmarks === null ? null : Float32Array.from(landmarks);
  const kept = k.decodeRetinaface(Float32Array.from(loc), Float32Array.from(conf), lm, o, out);
  return decoded(out, kept, o.numKeypoints);
}

const options = (o: Partial<RetinafaceDecodeOptions> = {}): RetinafaceDecodeOptions => ({
  inputWidth: 16,
  inputHeight: 16,
  minSizes: [[8]],
  steps: [8],
  variances: [0.1, 0.2],
  numKeypoints: 0,
  confThreshold: 0.5,
  ...o,
});

/** Every prior a face (conf column 1 = 1), nothing moved (loc 0). */
const still = (n: number) => ({
  loc: Array<number>(4 * n).fill(0),
  conf: Array.from({ length: 2 * n }, (_, i) => i % 2),
});

describe.each(['reference', 'native'] as const)('%s decodeRetinaface', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('counts ⌈H / step⌉ × ⌈W / step⌉ cells on a non-divisible input, row by row', () => {
    // 20 × 12 with step 8: 3 columns, 2 rows; prior centres at ((j + 0.5) × 8, (i + 0.5) × 8).
    const o = options({ inputWidth: 20, inputHeight: 12, minSizes: [[4]] });
    expect(priorCount(o)).toBe(6);
    const { loc, conf } = still(6);
    expect(decode(k, loc, conf, null, o).boxes).toEqual(
      [
        [2, 2, 6, 6],
        [10, 2, 14, 6],
        [18, 2, 22, 6],
        [2, 10, 6, 14],
        [10, 10, 14, 14],
        [18, 10, 22, 14],
      ].flat(),
    );
    expect(message(() => decode(k, loc.slice(4), conf, null, o))).toBe(
      'RangeError: Expected 24 floats (4 * 6 priors) for loc.length but received 20',
    );
  });

  it('orders priors level by level, cell by cell, then min size', () => {
    // Level 0 (step 8): 2 × 2 cells × sizes 2, 4; level 1 (step 16): 1 cell × size 8. 9 priors.
    const o = options({ minSizes: [[2, 4], [8]], steps: [8, 16] });
    const { loc, conf } = still(9);
    expect(decode(k, loc, conf, null, o).boxes).toEqual(
      [
        [3, 3, 5, 5],
        [2, 2, 6, 6],
        [11, 3, 13, 5],
        [10, 2, 14, 6],
        [3, 11, 5, 13],
        [2, 10, 6, 14],
        [11, 11, 13, 13],
        [10, 10, 14, 14],
        [4, 4, 12, 12],
      ].flat(),
    );
  });

  it('decodes centres, sizes and landmarks with the variances', () => {
    // One prior at (4, 4) of size 10: centre (4 + 1 × 0.1 × 10, 4 − 2 × 0.1 × 10) = (5, 2),
    // width 10 × e^0 = 10, height 10 × e^(5 × 0.2) = 10e.
    const o = options({ inputWidth: 8, inputHeight: 8, minSizes: [[10]], numKeypoints: 2 });
    const face = decode(k, [1, -2, 0, 5], [0.3, 0.7], [1, 1, -1, 0.5], o);
    expect(face.scores).toEqual([f(0.7)]);
    expect(face.classes).toEqual([0]);
    expect(face.keypoints).toEqual([5, 5, 3, 4.5]);
    expect(face.boxes.filter((_, i) => i % 2 === 0)).toEqual([0, 10]);
    const halfH = 5 * Math.E;
    expect(face.boxes[1]).toBeCloseTo(2 - halfH, 5);
    expect(face.boxes[3]).toBeCloseTo(2 + halfH, 5);
    expect(face.boxes[1]).toBe(f(face.boxes[1]));
  });

  it('keeps only face scores (column 1) strictly above the threshold, never NaN', () => {
    const o = options({ inputWidth: 24, inputHeight: 8 });
    const conf = [0.9, 0.5, 0, Number.NaN, 0, 0.50001];
    const loc = Array(12).fill(0);
    expect(decode(k, loc, conf, null, o).scores).toEqual([f(0.50001)]);
    expect(decode(k, loc, conf, null, { ...o, confThreshold: 0.4999 }).scores).toEqual([0.5, f(0.50001)]);
    expect(decode(k, loc, conf, null, { ...o, confThreshold: f(0.50001) }).scores).toEqual([]);
  });

  it('validates the inputs, the options and the outputs in order', () => {
    const o = options({ minSizes: [[4, 8], [16]], steps: [8, 16], numKeypoints: 5 }); // 8 + 1 priors
    const out = () => ({
      boxes: new Float32Array(36),
      scores: new Float32Array(9),
      classes: new Int32Array(9),
      keypoints: new Float32Array(90),
    });
    const call = (
      over: Partial<{ loc: unknown; conf: unknown; landmarks: unknown; options: unknown; out: unknown }>,
    ) =>
      message(() =>
        k.decodeRetinaface(
          ('loc' in over ? over.loc : new Float32Array(36)) as Float32Array,
          ('conf' in over ? over.conf : new Float32Array(18)) as Float32Array,
          ('landmarks' in over ? over.landmarks : new Float32Array(90)) as Float32Array,
          ('options' in over ? over.options : o) as RetinafaceDecodeOptions,
          ('out' in over ? over.out : out()) as never,
        ),
      );
    const holey = Array<number>(2); // [hole, 16]: a hole reads as undefined
    holey[1] = 16;
    const opt = (extra: Record<string, unknown>) => ({ options: { ...o, ...extra } });
    const cases: [Parameters<typeof call>[0], string][] = [
      [{}, 'no error'],
      [{ loc: null }, 'TypeError: Expected a Float32Array for loc but received null'],
      [
        { conf: new Int32Array(18) },
        'TypeError: Expected a Float32Array for conf but received "[object Int32Array]"',
      ],
      [
        { landmarks: [] },
        'TypeError: Expected a Float32Array or null for landmarks but received "[object Array]"',
      ],
      [{ options: 'o' }, 'TypeError: Expected an object for options but received "o"'],
      [
        opt({ inputWidth: 0 }),
        'RangeError: Expected a positive integer for options.inputWidth but received 0',
      ],
      [
        opt({ inputHeight: 2.5 }),
        'RangeError: Expected a positive integer for options.inputHeight but received 2.5',
      ],
      [
        opt({ minSizes: undefined }),
        'TypeError: Expected an array for options.minSizes but received undefined',
      ],
      [opt({ minSizes: [] }), 'RangeError: Expected at least 1 entry for options.minSizes but received 0'],
      [opt({ minSizes: [[4], 16] }), 'TypeError: Expected an array for options.minSizes[1] but received 16'],
      [
        opt({ minSizes: [[4], []] }),
        'RangeError: Expected at least 1 entry for options.minSizes[1] but received 0',
      ],
      [
        opt({ minSizes: [[4], [16, 0]] }),
        'RangeError: Expected a positive finite number for options.minSizes[1][1] but received 0',
      ],
      [
        opt({ minSizes: [[Number.POSITIVE_INFINITY], [16]] }),
        'RangeError: Expected a positive finite number for options.minSizes[0][0] but received null',
      ],
      [
        opt({ steps: { 0: 8 } }),
        'TypeError: Expected an array for options.steps but received "[object Object]"',
      ],
      [
        opt({ steps: [8, 16, 32] }),
        'RangeError: Expected 2 entries (one per level of minSizes) for options.steps but received 3',
      ],
      [
        opt({ steps: [8, 16.5] }),
        'RangeError: Expected a positive integer for options.steps[1] but received 16.5',
      ],
      [
        opt({ steps: holey }),
        'RangeError: Expected a positive integer for options.steps[0] but received undefined',
      ],
      [opt({ variances: [0.1] }), 'RangeError: Expected 2 entries for options.variances but received 1'],
      [
        opt({ variances: [0.1, -0.2] }),
        'RangeError: Expected a positive finite number for options.variances[1] but received -0.2',
      ],
      [
        opt({ numKeypoints: '5' }),
        'RangeError: Expected a non-negative integer for options.numKeypoints but received "5"',
      ],
      [
        opt({ confThreshold: undefined }),
        'RangeError: Expected a number for options.confThreshold but received undefined',
      ],
      [
        { out: { ...out(), keypoints: null } },
        'TypeError: Expected a Float32Array for out.keypoints but received null',
      ],
      [
        { loc: new Float32Array(32) },
        'RangeError: Expected 36 floats (4 * 9 priors) for loc.length but received 32',
      ],
      [
        { conf: new Float32Array(9) },
        'RangeError: Expected 18 floats (2 * 9 priors) for conf.length but received 9',
      ],
      [
        { landmarks: null },
        'RangeError: Expected 90 floats (2 * numKeypoints * 9 priors) for landmarks but received null',
      ],
      [
        opt({ numKeypoints: 1 }),
        'RangeError: Expected 18 floats (2 * numKeypoints * 9 priors) for landmarks.length but received 90',
      ],
      [
        { out: { ...out(), boxes: new Float32Array(35) } },
        'RangeError: Expected at least 36 floats (4 * 9 priors) for out.boxes.length but received 35',
      ],
      [
        { out: { ...out(), scores: new Float32Array(8) } },
        'RangeError: Expected at least 9 floats (9 priors) for out.scores.length but received 8',
      ],
      [
        { out: { ...out(), classes: new Int32Array(0) } },
        'RangeError: Expected at least 9 entries (9 priors) for out.classes.length but received 0',
      ],
      [
        { out: { ...out(), keypoints: new Float32Array(89) } },
        'RangeError: Expected at least 90 floats (2 * numKeypoints * 9 priors) for out.keypoints.length but received 89',
      ],
      // Without landmarks, a null landmark tensor is fine and out.keypoints is never read.
      [{ landmarks: null, ...opt({ numKeypoints: 0 }), out: { ...out(), keypoints: 1 } }, 'no error'],
    ];
    for (const [over, text] of cases) expect(call(over), JSON.stringify(Object.keys(over))).toBe(text);
  });
});
