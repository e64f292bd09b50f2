// Seeded differential tests of the segment, pose and OBB kernels (decodeYolo's extras, nmsRotated,
// segmentMask, fillPolygons): the native addon against the TypeScript reference. nmsRotated and
// segmentMask go through cos, sin, log and exp, whose last bit may differ between V8 and libm; the
// kept indices and the mask bytes are still compared exactly (a difference would need a value
// within an ulp of the threshold, which these seeded inputs do not produce).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Kernels,
  loadKernels,
  type NmsOptions,
  type SegmentMaskOptions,
  type YoloDecodeOptions,
} from '../../src/kernels/index.js';
import { expectIdentical, expectSameCandidates, extrasBuffers, message, SIZES } from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';

type Random = ReturnType<typeof createRandom>;

/** `count` oriented boxes (cx, cy, w, h, angle), some degenerate, some with a NaN. */
function rotatedBoxes(r: Random, count: number): Float32Array {
  const boxes = new Float32Array(5 * count);
  for (let i = 0; i < count; i++) {
    const size = () => (r.next() < 0.05 ? r.pick([0, -3]) : r.float(1, 80));
    const angle = r.next() < 0.01 ? Number.NaN : r.float(-Math.PI, Math.PI);
    boxes.set([r.float(0, 200), r.float(0, 200), size(), size(), angle], 5 * i);
  }
  return boxes;
}

/** A random mask problem: prototypes, coefficients and a region of the input with a box in it. */
function maskProblem(r: Random, pw: number, ph: number) {
  const m = r.pick([1, 3, 32]);
  const stride = r.pick([1, 4, 8]);
  const [iw, ih] = [pw * stride, ph * stride];
  // Mostly inside the input, sometimes past its edges or inverted.
  const [x1, y1] = [r.float(-0.1 * iw, 0.8 * iw), r.float(-0.1 * ih, 0.8 * ih)];
  const extent = (size: number) => (r.next() < 0.1 ? r.float(-2, 0) : r.float(0.1 * size, size));
  const box: [number, number, number, number] = [x1, y1, x1 + extent(iw), y1 + extent(ih)];
  // The whole input or a part of it (empty at times).
  const regionX = r.int(0, Math.floor(iw / 4));
  const regionY = r.int(0, Math.floor(ih / 4));
  const o: SegmentMaskOptions = {
    numMasks: m,
    protoWidth: pw,
    protoHeight: ph,
    inputWidth: iw,
    inputHeight: ih,
    box,
    regionX,
    regionY,
    regionWidth: r.pick([iw - regionX, r.int(0, iw - regionX)]),
    regionHeight: r.pick([ih - regionY, r.int(0, ih - regionY)]),
  };
  const protos = r.floats(m * pw * ph, -2, 2);
  const coefficients = r.floats(m, -1, 1);
  return { o, protos, coefficients };
}

describe('native segment, pose and OBB kernels agree with the reference', () => {
  let native: Kernels;
  const ref = loadKernels('reference');
  beforeAll(() => {
    native = loadKernels('native');
  });

  it.each([0, ...SIZES, 2100])('decodeYolo with extras over %i anchors', (numAnchors) => {
    const r = createRandom(numAnchors + 211);
    for (const numExtras of [1, 3, 32, 51]) {
      const numClasses = r.int(1, 5);
      const rows = 4 + numClasses + numExtras;
      const output = r.floats(rows * numAnchors, -1, 1);
      for (let i = 0; i < numAnchors * numClasses; i++) output[4 * numAnchors + i] = r.next();
      const o: YoloDecodeOptions = {
        layout: 'v8',
        numClasses,
        numAnchors,
        confThreshold: r.pick([0.25, 0.5, r.next()]),
        numExtras,
      };
      const [a, b] = extrasBuffers(numAnchors, numExtras);
      const count = ref.decodeYolo(output, o, a);
      expect(native.decodeYolo(output, o, b), `${numExtras} extras: count`).toBe(count);
      expectSameCandidates(b, a, `${numExtras} extras`);
      expectIdentical(b.extras, a.extras, `${numExtras} extras: extras`);
    }
  });

  it.each([...SIZES, 300, 1000])('nmsRotated over %i random boxes', (count) => {
    const r = createRandom(count + 307);
    let suppressed = 0;
    for (let round = 0; round < 4; round++) {
      const boxes = rotatedBoxes(r, count);
      const scores = Float32Array.from({ length: count }, () => r.int(0, 16) / 16);
      const classes = Int32Array.from({ length: count }, () => r.int(0, 2));
      const options: NmsOptions = {
        count,
        iouThreshold: r.pick([0, 0.1, 0.45, 0.7, r.next()]),
        maxDetections: round === 0 ? count : r.pick([count, 1, 10, 300]),
        classAware: r.next() < 0.5,
      };
      const [a, b] = [new Int32Array(count), new Int32Array(count)];
      const n = ref.nmsRotated(boxes, scores, classes, options, a);
      suppressed += Math.min(count, options.maxDetections) - n;
      expect(native.nmsRotated(boxes, scores, classes, options, b), `round ${round}: count`).toBe(n);
      expect(Array.from(b.subarray(0, n)), `round ${round}`).toEqual(Array.from(a.subarray(0, n)));
    }
    if (count >= 16) expect(suppressed, 'boxes suppressed over the rounds').toBeGreaterThan(0);
  });

  it.each([1, 2, 3, 7, 8, 17, 80])('segmentMask from prototypes %i wide', (size) => {
    const r = createRandom(size + 401);
    let lit = 0;
    for (let round = 0; round < 20; round++) {
      const { o, protos, coefficients } = maskProblem(r, size, r.pick([size, r.int(1, 20)]));
      const length = o.regionWidth * o.regionHeight;
      const [a, b] = [new Uint8Array(length + 3).fill(9), new Uint8Array(length + 3).fill(9)];
      const area = ref.segmentMask(protos, coefficients, o, a);
      expect(native.segmentMask(protos, coefficients, o, b), `round ${round}: area`).toBe(area);
      expect(Buffer.from(b).equals(Buffer.from(a)), `round ${round}: mask`).toBe(true);
      if (area > 0 && area < length) lit++;
    }
    expect(lit, 'rounds with a mask neither empty nor full').toBeGreaterThan(1);
  });

  it('segmentMask over a 200 × 150 region of a 640 × 640 input from 32 × 160 × 160 prototypes', () => {
    const r = createRandom(640);
    const [protos, coefficients] = [r.floats(32 * 160 * 160, -1, 1), r.floats(32, -2, 2)];
    const o: SegmentMaskOptions = {
      numMasks: 32,
      protoWidth: 160,
      protoHeight: 160,
      inputWidth: 640,
      inputHeight: 640,
      box: [120.5, 140.25, 343.5, 301.75],
      regionX: 100,
      regionY: 130,
      regionWidth: 200,
      regionHeight: 150,
    };
    const [a, b] = [new Uint8Array(200 * 150), new Uint8Array(200 * 150)];
    const area = ref.segmentMask(protos, coefficients, o, a);
    expect(area).toBeGreaterThan(0);
    expect(native.segmentMask(protos, coefficients, o, b)).toBe(area);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  });

  it.each([3, 7, 40, 300])('fillPolygons of seeded random rings over regions up to %i wide', (size) => {
    const r = createRandom(size + 977);
    let partly = 0;
    for (let round = 0; round < 20; round++) {
      const rings = Array.from({ length: r.int(0, 4) }, () => r.int(0, 40));
      // Points anywhere, or on a 0.1 grid as the segment family's rings are (centres on edges).
      const grid = r.next() < 0.5;
      const points = Float64Array.from({ length: 2 * rings.reduce((a, b) => a + b, 0) }, () => {
        const v = r.float(-0.2 * size, 1.2 * size);
        return grid ? Math.round(v * 10) / 10 : v;
      });
      const o = {
        regionX: r.int(0, size),
        regionY: r.int(0, size),
        regionWidth: r.int(0, size),
        regionHeight: r.int(0, size),
      };
      const length = o.regionWidth * o.regionHeight;
      const [a, b] = [new Uint8Array(length + 3).fill(9), new Uint8Array(length + 3).fill(9)];
      const lengths = Int32Array.from(rings);
      const set = ref.fillPolygons(points, lengths, o, a);
      expect(native.fillPolygons(points, lengths, o, b), `round ${round}: count`).toBe(set);
      expect(Buffer.from(b).equals(Buffer.from(a)), `round ${round}: mask`).toBe(true);
      if (set > 0 && set < length) partly++;
    }
    expect(partly, 'rounds with a mask neither empty nor full').toBeGreaterThan(1);
  });

  const values: unknown[] = [
    Number.NaN,
    -1.5,
    0,
    2,
    1e21,
    'a',
    '',
    true,
    null,
    undefined,
    {},
    [],
    [1, 2, 3, 4],
    10n,
  ];
  it.each(values.map((v, i) => [`${typeof v} #${i}`, v]))(
    'throws the same message for value %s',
    (_, value) => {
      const segment: SegmentMaskOptions = {
        numMasks: 1,
        protoWidth: 1,
        protoHeight: 1,
        inputWidth: 1,
        inputHeight: 1,
        box: [0, 0, 1, 1],
        regionX: 0,
        regionY: 0,
        regionWidth: 1,
        regionHeight: 1,
      };
      const region = { regionX: 0, regionY: 0, regionWidth: 1, regionHeight: 1 };
      const nms = { count: 1, iouThreshold: 0.5, maxDetections: 1, classAware: true };
      const yolo = { layout: 'v8', numClasses: 1, numAnchors: 1, confThreshold: 0, numExtras: 1 };
      const out = () => extrasBuffers(1, 1)[0];
      const runs: [string, (k: Kernels) => unknown][] = [
        ...Object.keys(segment).map((key): [string, (k: Kernels) => unknown] => [
          `segmentMask options.${key}`,
          (k) =>
            k.segmentMask(
              new Float32Array(1),
              new Float32Array(1),
              { ...segment, [key]: value } as never,
              new Uint8Array(1),
            ),
        ]),
        [
          'segmentMask options.box[1]',
          (k) =>
            k.segmentMask(
              new Float32Array(1),
              new Float32Array(1),
              { ...segment, box: [0, value, 1, 1] } as never,
              new Uint8Array(1),
            ),
        ],
        [
          'segmentMask out',
          (k) => k.segmentMask(new Float32Array(1), new Float32Array(1), segment, value as never),
        ],
        ...Object.keys(region).map((key): [string, (k: Kernels) => unknown] => [
          `fillPolygons options.${key}`,
          (k) =>
            k.fillPolygons(
              new Float64Array(2),
              new Int32Array(1).fill(1),
              { ...region, [key]: value } as never,
              new Uint8Array(1),
            ),
        ]),
        [
          'fillPolygons points',
          (k) => k.fillPolygons(value as never, new Int32Array(0), region, new Uint8Array(1)),
        ],
        [
          'fillPolygons ringLengths',
          (k) => k.fillPolygons(new Float64Array(0), value as never, region, new Uint8Array(1)),
        ],
        [
          'fillPolygons points[1]',
          (k) =>
            k.fillPolygons(
              Float64Array.from([0, Number(value)]),
              Int32Array.from([1]),
              region,
              new Uint8Array(1),
            ),
        ],
        ...Object.keys(nms).map((key): [string, (k: Kernels) => unknown] => [
          `nmsRotated options.${key}`,
          (k) =>
            k.nmsRotated(
              new Float32Array(5),
              new Float32Array(1),
              new Int32Array(1),
              { ...nms, [key]: value } as never,
              new Int32Array(1),
            ),
        ]),
        [
          'decodeYolo options.numExtras',
          (k) => k.decodeYolo(new Float32Array(6), { ...yolo, numExtras: value } as never, out()),
        ],
        [
          'decodeYolo out.extras',
          (k) => k.decodeYolo(new Float32Array(6), yolo as never, { ...out(), extras: value } as never),
        ],
      ];
      for (const [name, run] of runs)
        expect(
          message(() => run(native)),
          name,
        ).toBe(message(() => run(ref)));
    },
  );
});
