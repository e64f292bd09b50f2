// Seeded differential tests of decodeScrfd and decodeRetinaface: the native addon against the
// TypeScript reference at small and realistic sizes, and the same error for odd option values.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FaceStrideOptions,
  type Kernels,
  loadKernels,
  type RetinafaceDecodeOptions,
} from '../../src/kernels/index.js';
import { buffers, expectSameCandidates, message, ONE_ULP, type Random, scores } from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';

const threshold = (r: Random) => r.pick([0.5, 0.25, 0.02, r.float(0, 0.8)]);

describe('native decodeScrfd and decodeRetinaface agree with the reference', () => {
  let native: Kernels;
  const ref = loadKernels('reference');
  beforeAll(() => {
    native = loadKernels('native');
  });

  function scrfdBoth(r: Random, o: FaceStrideOptions, label: string): number {
    const n = o.gridWidth * o.gridHeight * o.anchorsPerCell;
    const confidences = scores(r, n);
    const bbox = r.floats(4 * n, 0, 12);
    const kps = o.numKeypoints > 0 ? r.floats(2 * o.numKeypoints * n, -6, 6) : null;
    const [a, b] = buffers(n, o.numKeypoints);
    const count = ref.decodeScrfd(confidences, bbox, kps, o, a);
    expect(native.decodeScrfd(confidences, bbox, kps, o, b), `${label}: count`).toBe(count);
    expectSameCandidates(b, a, label);
    return count;
  }

  const grids = [
    [1, 1, 1],
    [1, 1, 2],
    [3, 2, 2],
    [2, 3, 1],
    [7, 5, 2],
    [17, 13, 1],
    [33, 31, 3],
  ];
  it.each(grids)(
    'decodeScrfd on a %i × %i grid, %i anchors per cell',
    (gridWidth, gridHeight, anchorsPerCell) => {
      const r = createRandom(gridWidth * 1000 + gridHeight * 10 + anchorsPerCell);
      for (let round = 0; round < 4; round++) {
        const o: FaceStrideOptions = {
          stride: r.pick([8, 16, 32, r.int(1, 64)]),
          gridWidth,
          gridHeight,
          anchorsPerCell,
          numKeypoints: r.pick([0, 5, r.int(1, 3)]),
          confThreshold: threshold(r),
        };
        scrfdBoth(r, o, `round ${round}`);
      }
    },
  );

  it('decodeScrfd on the three strides of a 640 × 640 input', () => {
    const r = createRandom(640);
    let kept = 0;
    for (const stride of [8, 16, 32]) {
      const side = 640 / stride;
      const o = {
        stride,
        gridWidth: side,
        gridHeight: side,
        anchorsPerCell: 2,
        numKeypoints: 5,
        confThreshold: 0.5,
      };
      kept += scrfdBoth(r, o, `stride ${stride}`);
      kept += scrfdBoth(r, { ...o, numKeypoints: 0, confThreshold: 0.02 }, `stride ${stride} without kps`);
    }
    expect(kept).toBeGreaterThan(1000);
  });

  function retinafaceBoth(r: Random, o: RetinafaceDecodeOptions, label: string): number {
    const n = o.steps.reduce(
      (sum, step, k) =>
        sum + Math.ceil(o.inputHeight / step) * Math.ceil(o.inputWidth / step) * o.minSizes[k].length,
      0,
    );
    const loc = r.floats(4 * n, -3, 3);
    const faces = scores(r, n);
    const conf = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 ? faces[(i - 1) / 2] : r.next()));
    const landmarks = o.numKeypoints > 0 ? r.floats(2 * o.numKeypoints * n, -8, 8) : null;
    const [a, b] = buffers(n, o.numKeypoints);
    const count = ref.decodeRetinaface(loc, conf, landmarks, o, a);
    expect(native.decodeRetinaface(loc, conf, landmarks, o, b), `${label}: count`).toBe(count);
    expectSameCandidates(b, a, label, { boxes: ONE_ULP }); // every box coordinate goes through exp
    return count;
  }

  it.each([1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 65])(
    'decodeRetinaface on inputs %i pixels wide',
    (width) => {
      const r = createRandom(width + 5);
      for (let round = 0; round < 4; round++) {
        const levels = r.int(1, 3);
        const o: RetinafaceDecodeOptions = {
          inputWidth: width,
          inputHeight: r.int(1, 70),
          minSizes: Array.from({ length: levels }, () =>
            Array.from({ length: r.int(1, 3) }, () => r.float(1, 300)),
          ),
          steps: Array.from({ length: levels }, () => r.pick([8, 16, 32, r.int(1, 40)])),
          variances: [r.pick([0.1, r.float(0.01, 1)]), r.pick([0.2, r.float(0.01, 1)])],
          numKeypoints: r.pick([0, 5, r.int(1, 3)]),
          confThreshold: threshold(r),
        };
        retinafaceBoth(r, o, `round ${round}`);
      }
    },
  );

  it('decodeRetinaface on the 16800 priors of a 640 × 640 input', () => {
    const r = createRandom(16800);
    const o: RetinafaceDecodeOptions = {
      inputWidth: 640,
      inputHeight: 640,
      minSizes: [
        [16, 32],
        [64, 128],
        [256, 512],
      ],
      steps: [8, 16, 32],
      variances: [0.1, 0.2],
      numKeypoints: 5,
      confThreshold: 0.5,
    };
    expect(retinafaceBoth(r, o, '640 × 640')).toBeGreaterThan(4000);
    expect(retinafaceBoth(r, { ...o, numKeypoints: 0, confThreshold: 0.02 }, 'no landmarks')).toBeGreaterThan(
      10000,
    );
    // A non-square input: ⌈480 / s⌉ rows of ⌈640 / s⌉ columns.
    retinafaceBoth(r, { ...o, inputHeight: 480 }, '640 × 480');
  });

  const odd: unknown[] = [
    0,
    1.5,
    -1,
    -0.25,
    1e21,
    2 ** 53,
    5e-324,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    'a"b\\c\n\u0001',
    '',
    true,
    null,
    undefined,
    {},
    [],
    [8],
    [[]],
    () => 1,
    Symbol('s'),
    10n,
    new Float32Array(1),
  ];
  it.each(odd.map((v, i) => [`${typeof v} #${i}`, v]))('throws the same message for value %s', (_, value) => {
    const face: FaceStrideOptions = {
      stride: 8,
      gridWidth: 1,
      gridHeight: 1,
      anchorsPerCell: 1,
      numKeypoints: 0,
      confThreshold: 0.5,
    };
    const scrfd = (k: Kernels, o: unknown, kps: unknown = null) =>
      message(() =>
        k.decodeScrfd(
          new Float32Array(1),
          new Float32Array(4),
          kps as null,
          o as FaceStrideOptions,
          buffers(1, 0)[0],
        ),
      );
    const retina: RetinafaceDecodeOptions = {
      inputWidth: 8,
      inputHeight: 8,
      minSizes: [[8]],
      steps: [8],
      variances: [0.1, 0.2],
      numKeypoints: 0,
      confThreshold: 0.5,
    };
    const retinaface = (k: Kernels, o: unknown) =>
      message(() =>
        k.decodeRetinaface(
          new Float32Array(4),
          new Float32Array(2),
          null,
          o as RetinafaceDecodeOptions,
          buffers(1, 0)[0],
        ),
      );
    const calls: [string, (k: Kernels) => string][] = [
      ['stride', (k) => scrfd(k, { ...face, stride: value })],
      ['numKeypoints', (k) => scrfd(k, { ...face, numKeypoints: value })],
      ['kps', (k) => scrfd(k, face, value)],
      ['minSizes', (k) => retinaface(k, { ...retina, minSizes: value })],
      ['minSizes[0]', (k) => retinaface(k, { ...retina, minSizes: [value] })],
      ['minSizes[0][0]', (k) => retinaface(k, { ...retina, minSizes: [[value]] })],
      ['steps[0]', (k) => retinaface(k, { ...retina, steps: [value] })],
      ['variances', (k) => retinaface(k, { ...retina, variances: value })],
      ['variances[1]', (k) => retinaface(k, { ...retina, variances: [0.1, value] })],
    ];
    for (const [label, call] of calls) expect(call(native), label).toBe(call(ref));
  });
});
