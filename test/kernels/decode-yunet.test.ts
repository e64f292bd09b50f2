import { beforeAll, describe, expect, it } from 'vitest';
import { type FaceStrideOptions, type Kernels, loadKernels } from '../../src/kernels/index.js';
import { candidates, decoded, message } from '../helpers/kernels.js';

const f = Math.fround;

interface Head {
  cls: number[];
  obj: number[];
  bbox: number[];
  kps: number[] | null;
}

function decode(k: Kernels, h: Head, o: FaceStrideOptions) {
  const out = candidates(o.gridWidth * o.gridHeight, o.numKeypoints);
  const [cls, obj, bbox] = [h.cls, h.obj, h.bbox].map((v) => Float32Array.from(v)) as Float32Array[];
  const kps = h.kps === null ? null : Float32Array.from(h.kps);
  return decoded(out, k.decodeYunet(cls, obj, bbox, kps, o, out), o.numKeypoints);
}

// A 2×2 grid of stride 8 with 2 landmarks per face; cells row by row.
const HEAD: Head = {
  // Scores √(clamp(cls) × clamp(obj)): 0.5, 0.5, 1 (cls clamped from 1.5), 0 (cls clamped from −1).
  cls: [1, 0.25, 1.5, -1],
  obj: [0.25, 1, 1, 1],
  bbox: [
    [0.5, 0.5, 0, 0], // (row 0, col 0): box 0,0–8,8
    [0, 0, 0, 0], // (row 0, col 1): centre 8,0
    [0.25, 0.5, 0, 0], // (row 1, col 0): centre 2,12
    [0, 0, 0, 0], // (row 1, col 1): centre 8,8
  ].flat(),
  kps: [
    [0, 0, 1, 1], // (0, 0), (8, 8)
    [0.5, 0.5, -1, 2], // (12, 4), (0, 16)
    [0, 0, 0.5, -0.5], // (0, 8), (4, 4)
    [1, 1, 1, 1], // (16, 16), (16, 16)
  ].flat(),
};
const opts = (confThreshold: number, numKeypoints = 2): FaceStrideOptions => ({
  stride: 8,
  gridWidth: 2,
  gridHeight: 2,
  anchorsPerCell: 1,
  numKeypoints,
  confThreshold,
});

describe.each(['reference', 'native'] as const)('%s decodeYunet', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('decodes boxes and landmarks from the cell origin, cells row by row, class 0', () => {
    expect(decode(k, HEAD, opts(0.4))).toEqual({
      boxes: [0, 0, 8, 8, 4, -4, 12, 4, -2, 8, 6, 16],
      scores: [0.5, 0.5, 1],
      classes: [0, 0, 0],
      keypoints: [0, 0, 8, 8, 12, 4, 0, 16, 0, 8, 4, 4],
    });
  });

  it('clamps cls and obj into [0, 1] and keeps only scores strictly above the threshold', () => {
    expect(decode(k, HEAD, opts(0.5))).toEqual({
      boxes: [-2, 8, 6, 16],
      scores: [1],
      classes: [0],
      keypoints: [0, 8, 4, 4],
    });
    expect(decode(k, HEAD, opts(0.4999)).scores).toEqual([0.5, 0.5, 1]);
    expect(decode(k, HEAD, opts(0)).scores).toEqual([0.5, 0.5, 1]);
    const all = decode(k, HEAD, opts(-1));
    expect(all.scores).toEqual([0.5, 0.5, 1, 0]);
    expect(all.boxes.slice(12)).toEqual([4, 4, 12, 12]);
    expect(all.keypoints.slice(12)).toEqual([16, 16, 16, 16]);
    // √ of the float64 product, rounded once; +Infinity clamps to 1.
    const one = { ...opts(0, 0), gridWidth: 1, gridHeight: 1 };
    const head = (cls: number, obj: number): Head => ({
      cls: [cls],
      obj: [obj],
      bbox: [0, 0, 0, 0],
      kps: null,
    });
    expect(decode(k, head(0.3, 0.7), one).scores).toEqual([f(Math.sqrt(f(0.3) * f(0.7)))]);
    expect(decode(k, head(Infinity, 0.25), one).scores).toEqual([0.5]);
  });

  it('never keeps a NaN score', () => {
    const nan = Number.NaN;
    const h: Head = { cls: [nan, 1, nan, 1], obj: [1, nan, nan, 1], bbox: new Array(16).fill(0), kps: null };
    const o = { ...opts(-Infinity, 0), gridWidth: 4, gridHeight: 1 };
    expect(decode(k, h, o)).toEqual({ boxes: [20, -4, 28, 4], scores: [1], classes: [0], keypoints: [] });
  });

  it('exponentiates the log sizes and scales by the stride', () => {
    const h: Head = { cls: [1], obj: [1], bbox: [0.5, 0.5, Math.log(2), Math.log(0.5)], kps: null };
    const o = { ...opts(0, 0), stride: 16, gridWidth: 1, gridHeight: 1 };
    const [x1, y1, x2, y2] = decode(k, h, o).boxes as [number, number, number, number];
    // cx = cy = 8, w ≈ 32, h ≈ 8.
    expect(x1).toBeCloseTo(-8, 5);
    expect(y1).toBeCloseTo(4, 5);
    expect(x2).toBeCloseTo(24, 5);
    expect(y2).toBeCloseTo(12, 5);
  });

  it('walks a rectangular grid row by row and runs without landmarks', () => {
    // 3 wide, 2 tall: cell 4 is row 1, col 1.
    const h: Head = {
      cls: [0, 0, 0, 0, 1, 0],
      obj: [1, 1, 1, 1, 1, 1],
      bbox: new Array(24).fill(0),
      kps: null,
    };
    const o = { ...opts(0.5, 0), stride: 16, gridWidth: 3, gridHeight: 2 };
    expect(decode(k, h, o)).toEqual({ boxes: [8, 8, 24, 24], scores: [1], classes: [0], keypoints: [] });
    // Without landmarks kps may be an empty array and out.keypoints is ignored.
    const out = { boxes: new Float32Array(24), scores: new Float32Array(6), classes: new Int32Array(6) };
    const [cls, obj, bbox] = [h.cls, h.obj, h.bbox].map((v) => Float32Array.from(v)) as Float32Array[];
    const withKeypoints = { ...out, keypoints: 'ignored' } as never;
    expect(k.decodeYunet(cls, obj, bbox, new Float32Array(0), o, withKeypoints)).toBe(1);
    expect(k.decodeYunet(cls, obj, bbox, null, o, out)).toBe(1);
  });

  it('validates the tensors, the options and the output capacity', () => {
    const [cls, obj] = [Float32Array.from(HEAD.cls), Float32Array.from(HEAD.obj)];
    const [bbox, kps] = [Float32Array.from(HEAD.bbox), Float32Array.from(HEAD.kps ?? [])];
    const full = () => ({
      boxes: new Float32Array(16),
      scores: new Float32Array(4),
      classes: new Int32Array(4),
      keypoints: new Float32Array(16),
    });
    type Args = [unknown, unknown, unknown, unknown, unknown, unknown];
    const run =
      (...changes: [number, unknown][]) =>
      () => {
        const args: Args = [cls, obj, bbox, kps, opts(0), full()];
        for (const [i, v] of changes) args[i] = v;
        return (k.decodeYunet as (...a: Args) => number)(...args);
      };
    const cases: [() => unknown, string][] = [
      [run(), 'no error'],
      [run([0, HEAD.cls]), 'TypeError: Expected a Float32Array for cls but received "[object Array]"'],
      [run([1, null]), 'TypeError: Expected a Float32Array for obj but received null'],
      [
        run([2, new Int32Array(16)]),
        'TypeError: Expected a Float32Array for bbox but received "[object Int32Array]"',
      ],
      [run([3, undefined]), 'TypeError: Expected a Float32Array or null for kps but received undefined'],
      [run([3, [1]]), 'TypeError: Expected a Float32Array or null for kps but received "[object Array]"'],
      [run([4, 8]), 'TypeError: Expected an object for options but received 8'],
      [
        run([4, { ...opts(0), stride: 0 }]),
        'RangeError: Expected a positive integer for options.stride but received 0',
      ],
      [
        run([4, { ...opts(0), gridWidth: -2 }]),
        'RangeError: Expected a positive integer for options.gridWidth but received -2',
      ],
      [
        run([4, { ...opts(0), gridHeight: 1.5 }]),
        'RangeError: Expected a positive integer for options.gridHeight but received 1.5',
      ],
      [
        run([4, { ...opts(0), anchorsPerCell: 2 }]),
        'RangeError: Expected 1 (YuNet) for options.anchorsPerCell but received 2',
      ],
      [
        run([4, { ...opts(0), anchorsPerCell: undefined }]),
        'RangeError: Expected 1 (YuNet) for options.anchorsPerCell but received undefined',
      ],
      [
        run([4, { ...opts(0), numKeypoints: -1 }]),
        'RangeError: Expected a non-negative integer for options.numKeypoints but received -1',
      ],
      [
        run([4, opts(Number.NaN)]),
        'RangeError: Expected a number for options.confThreshold but received null',
      ],
      [run([5, null]), 'TypeError: Expected an object for out but received null'],
      [
        run([5, { ...full(), scores: [] }]),
        'TypeError: Expected a Float32Array for out.scores but received "[object Array]"',
      ],
      [
        run([5, { ...full(), keypoints: undefined }]),
        'TypeError: Expected a Float32Array for out.keypoints but received undefined',
      ],
      [
        run([0, cls.subarray(1)]),
        'RangeError: Expected 4 floats (gridWidth * gridHeight) for cls.length but received 3',
      ],
      [
        run([1, new Float32Array(5)]),
        'RangeError: Expected 4 floats (gridWidth * gridHeight) for obj.length but received 5',
      ],
      [
        run([2, bbox.subarray(1)]),
        'RangeError: Expected 16 floats (4 * gridWidth * gridHeight) for bbox.length but received 15',
      ],
      [
        run([3, null]),
        'RangeError: Expected 16 floats (2 * numKeypoints * gridWidth * gridHeight) for kps but received null',
      ],
      [
        run([3, kps.subarray(1)]),
        'RangeError: Expected 16 floats (2 * numKeypoints * gridWidth * gridHeight) for kps.length but received 15',
      ],
      [
        run([4, opts(0, 0)]),
        'RangeError: Expected 0 floats (2 * numKeypoints * gridWidth * gridHeight) for kps.length but received 16',
      ],
      [
        run([5, { ...full(), boxes: new Float32Array(12) }]),
        'RangeError: Expected at least 16 floats (4 * gridWidth * gridHeight) for out.boxes.length but received 12',
      ],
      [
        run([5, { ...full(), scores: new Float32Array(3) }]),
        'RangeError: Expected at least 4 floats (gridWidth * gridHeight) for out.scores.length but received 3',
      ],
      [
        run([5, { ...full(), classes: new Int32Array(3) }]),
        'RangeError: Expected at least 4 entries (gridWidth * gridHeight) for out.classes.length but received 3',
      ],
      [
        run([5, { ...full(), keypoints: new Float32Array(15) }]),
        'RangeError: Expected at least 16 floats (2 * numKeypoints * gridWidth * gridHeight) for out.keypoints.length but received 15',
      ],
    ];
    for (const [call, text] of cases) expect(message(call)).toBe(text);
  });
});
