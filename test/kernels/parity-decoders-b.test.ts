// Seeded differential tests of decodeYolox and decodeYunet: the native addon against the reference.
// Scores, classes and landmarks must be bit-identical; box corners depend on exp(), which V8 and the
// C library may round differently in the last ulp, so they are compared with a tight tolerance.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FaceStrideOptions,
  type Kernels,
  loadKernels,
  type YoloxDecodeOptions,
} from '../../src/kernels/index.js';
import {
  buffers,
  candidates,
  expectSameCandidates,
  message,
  type Random,
  score,
  type Tolerance,
} from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';

/** The tolerance of the box corners (see above); everything else is compared bit for bit. */
const BOXES: { boxes: Tolerance } = { boxes: { atol: 1e-6, rtol: 1e-6 } };

const odd: unknown[] = [0, 1.5, -1, 1e21, 2 ** 53, 5e-324, Number.NaN, Number.POSITIVE_INFINITY];
const strange: unknown[] = ['8', '', true, null, undefined, {}, [], [8], () => 1, Symbol('s'), 10n];
const values = [...odd, ...strange, new Float32Array(1), new Int32Array(1)];

describe('native decodeYolox and decodeYunet agree with the reference', () => {
  let native: Kernels;
  const ref = loadKernels('reference');
  beforeAll(() => {
    native = loadKernels('native');
  });

  function yoloxBoth(o: YoloxDecodeOptions, r: Random, label: string): number {
    const n = o.strides.reduce(
      (sum, s) => sum + Math.floor(o.inputHeight / s) * Math.floor(o.inputWidth / s),
      0,
    );
    const row = 5 + o.numClasses;
    const coarse = r.next() < 0.5;
    const output = new Float32Array(n * row);
    for (let i = 0; i < n; i++) {
      output[i * row] = r.float(-0.5, 1.5);
      output[i * row + 1] = r.float(-0.5, 1.5);
      output[i * row + 2] = r.float(-4, 4);
      output[i * row + 3] = r.float(-4, 4);
      for (let a = 4; a < row; a++) output[i * row + a] = score(r, coarse);
    }
    const [a, b] = buffers(n);
    const count = ref.decodeYolox(output, o, a);
    expect(native.decodeYolox(output, o, b), `${label}: count`).toBe(count);
    expectSameCandidates(b, a, label, BOXES);
    return count;
  }

  const grids: [number, number, number[]][] = [
    [8, 8, [8]],
    [16, 16, [8, 16]],
    [27, 17, [8, 16, 32]],
    [33, 65, [8, 16, 32]],
    [64, 48, [32, 16, 8]],
    [17, 9, [4, 3]],
    [320, 320, [8, 16, 32]],
  ];
  it.each(grids.flatMap(([w, h, strides]) => [1, 3, 80].map((c) => [w, h, strides, c] as const)))(
    'decodeYolox at %i×%i, strides %j, C=%i',
    (inputWidth, inputHeight, strides, numClasses) => {
      const r = createRandom(inputWidth * 1000 + inputHeight * 10 + numClasses);
      for (const confThreshold of [0.25, r.float(0, 0.6), -Infinity]) {
        const o = { numClasses, inputWidth, inputHeight, strides, confThreshold };
        yoloxBoth(o, r, `conf ${confThreshold}`);
      }
    },
  );

  it.each([
    [640, 640],
    [640, 480],
    [416, 416],
  ])('decodeYolox on a realistic %i×%i head, 80 classes, strides 8/16/32', (inputWidth, inputHeight) => {
    const r = createRandom(inputWidth + inputHeight);
    const o = { numClasses: 80, inputWidth, inputHeight, strides: [8, 16, 32], confThreshold: 0.25 };
    for (let round = 0; round < 3; round++) {
      const kept = yoloxBoth(
        { ...o, confThreshold: [0.25, 0.05, 0.6][round] as number },
        r,
        `round ${round}`,
      );
      expect(kept).toBeGreaterThan(0);
    }
  });

  function yunetBoth(o: FaceStrideOptions, r: Random, label: string): number {
    const n = o.gridWidth * o.gridHeight;
    const coarse = r.next() < 0.5;
    const cls = Float32Array.from({ length: n }, () => score(r, coarse, -0.25, 1.25));
    const obj = Float32Array.from({ length: n }, () => score(r, coarse, -0.25, 1.25));
    const bbox = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) {
      bbox.set([r.float(-1, 2), r.float(-1, 2), r.float(-4, 4), r.float(-4, 4)], 4 * i);
    }
    const kps = o.numKeypoints === 0 ? null : r.floats(2 * o.numKeypoints * n, -3, 3);
    const [a, b] = buffers(n, o.numKeypoints);
    const count = ref.decodeYunet(cls, obj, bbox, kps, o, a);
    expect(native.decodeYunet(cls, obj, bbox, kps, o, b), `${label}: count`).toBe(count);
    expectSameCandidates(b, a, label, BOXES);
    return count;
  }

  const cells: [number, number][] = [
    [1, 1],
    [2, 3],
    [7, 5],
    [16, 16],
    [33, 17],
  ];
  it.each(cells.flatMap(([w, h]) => [0, 5].map((k) => [w, h, k] as const)))(
    'decodeYunet on a %i×%i grid with %i landmarks',
    (gridWidth, gridHeight, numKeypoints) => {
      const r = createRandom(gridWidth * 100 + gridHeight * 10 + numKeypoints);
      for (const confThreshold of [0.5, r.float(0, 1), -Infinity]) {
        const stride = r.pick([8, 16, 32]);
        const o = { stride, gridWidth, gridHeight, anchorsPerCell: 1, numKeypoints, confThreshold };
        yunetBoth(o, r, `stride ${stride} conf ${confThreshold}`);
      }
    },
  );

  it.each([8, 16, 32])('decodeYunet on the stride-%i head of a 640×640 input', (stride) => {
    const r = createRandom(stride);
    const grid = 640 / stride;
    for (const [numKeypoints, confThreshold] of [
      [5, 0.6],
      [5, 0.1],
      [0, 0.6],
    ] as const) {
      const o = { stride, gridWidth: grid, gridHeight: grid, anchorsPerCell: 1, numKeypoints, confThreshold };
      expect(yunetBoth(o, r, `K=${numKeypoints} conf ${confThreshold}`)).toBeGreaterThan(0);
    }
  });

  const yoloxFields = ['numClasses', 'inputWidth', 'inputHeight', 'strides', 'strides[1]', 'confThreshold'];
  it.each(yoloxFields)('decodeYolox throws the same messages for odd values of options.%s', (key) => {
    const out = candidates(5);
    for (const value of values) {
      const o: Record<string, unknown> = { numClasses: 2, inputWidth: 16, inputHeight: 16, strides: [8, 16] };
      o.confThreshold = 0.5;
      if (key === 'strides[1]') o.strides = [8, value];
      else o[key] = value;
      const run = (k: Kernels) => () => k.decodeYolox(new Float32Array(35), o as never, out);
      expect(message(run(native)), String(value)).toBe(message(run(ref)));
    }
  });

  const yunetFields = [
    'stride',
    'gridWidth',
    'gridHeight',
    'anchorsPerCell',
    'numKeypoints',
    'confThreshold',
  ];
  it.each([...yunetFields, 'kps', 'out.keypoints'])(
    'decodeYunet throws the same messages for odd values of %s',
    (key) => {
      for (const value of values) {
        const o: Record<string, unknown> = { stride: 8, gridWidth: 2, gridHeight: 2, anchorsPerCell: 1 };
        Object.assign(o, { numKeypoints: 5, confThreshold: 0.5 });
        if (yunetFields.includes(key)) o[key] = value;
        const out: Record<string, unknown> = candidates(4, 5);
        if (key === 'out.keypoints') out.keypoints = value;
        const kps = key === 'kps' ? value : new Float32Array(40);
        const run = (k: Kernels) => () =>
          k.decodeYunet(
            new Float32Array(4),
            new Float32Array(4),
            new Float32Array(16),
            kps as never,
            o as never,
            out as never,
          );
        expect(message(run(native)), String(value)).toBe(message(run(ref)));
      }
    },
  );
});
