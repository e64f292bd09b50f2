import { beforeAll, describe, expect, it } from 'vitest';
import { type FaceStrideOptions, type Kernels, loadKernels } from '../../src/kernels/index.js';
import { candidates, decoded, message } from '../helpers/kernels.js';

const f = Math.fround;

interface Head {
  scores: number[];
  bbox: number[];
  kps: number[] | null;
}

function decode(k: Kernels, head: Head, o: FaceStrideOptions) {
  const out = candidates(o.gridWidth * o.gridHeight * o.anchorsPerCell, o.numKeypoints);
  const kps = head.kps === null ? null : Float32Array.from(head.kps);
  const kept = k.decodeScrfd(Float32Array.from(head.scores), Float32Array.from(head.bbox), kps, o, out);
  return decoded(out, kept, o.numKeypoints);
}

const options = (o: Partial<FaceStrideOptions> = {}): FaceStrideOptions => ({
  stride: 8,
  gridWidth: 2,
  gridHeight: 2,
  anchorsPerCell: 2,
  numKeypoints: 0,
  confThreshold: 0.5,
  ...o,
});

describe.each(['reference', 'native'] as const)('%s decodeScrfd', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('decodes distances from the cell corners, two anchors per cell', () => {
    // 2×2 cells, stride 8: anchors 0,1 at (0, 0), 2,3 at (8, 0), 4,5 at (0, 8), 6,7 at (8, 8).
    const scores = [0.1, 0.9, 0.2, 0.3, 0.75, 0.4, 0, 0.6];
    const bbox = Array<number>(32).fill(0);
    bbox.splice(4, 4, 1, 1, 2, 2);
    bbox.splice(16, 4, 0.5, 0.25, 1, 1.5);
    bbox.splice(28, 4, 1, 0, 0, 1);
    expect(decode(k, { scores, bbox, kps: null }, options())).toEqual({
      boxes: [-8, -8, 16, 16, -4, 6, 8, 20, 0, 8, 8, 16],
      scores: [f(0.9), 0.75, f(0.6)],
      classes: [0, 0, 0],
      keypoints: [],
    });
  });

  it('lists cells row by row and places landmarks from the cell corner', () => {
    // 3 × 2 cells, one anchor each, stride 32: zero distances put each box on its anchor centre.
    const o = options({ stride: 32, gridWidth: 3, gridHeight: 2, anchorsPerCell: 1, numKeypoints: 1 });
    const result = decode(
      k,
      { scores: [1, 1, 1, 1, 1, 1], bbox: Array(24).fill(0), kps: Array(12).fill(0) },
      { ...o, confThreshold: 0 },
    );
    const centres = [0, 0, 32, 0, 64, 0, 0, 32, 32, 32, 64, 32];
    expect(result.keypoints).toEqual(centres);
    expect(result.boxes).toEqual(
      centres.flatMap((v, i) => (i % 2 ? [] : [v, centres[i + 1], v, centres[i + 1]])),
    );

    // Five landmarks of the anchor at row 1, col 2: (64, 32) + offset × 32.
    const kps = Array<number>(60).fill(0);
    kps.splice(50, 10, 0.5, -0.5, 1, 0, 0, 1, -1.25, 2, 0.25, 0.75);
    const scores = [0, 0, 0, 0, 0, 0.8];
    const face = decode(k, { scores, bbox: Array(24).fill(1), kps }, { ...o, numKeypoints: 5 });
    expect(face).toEqual({
      boxes: [32, 0, 96, 64],
      scores: [f(0.8)],
      classes: [0],
      keypoints: [80, 16, 96, 32, 64, 64, 24, 96, 72, 56],
    });
  });

  it('keeps only scores strictly above the threshold, never NaN', () => {
    const head = { scores: [0.5, Number.NaN], bbox: Array(8).fill(0), kps: null };
    const o = options({ gridWidth: 1, gridHeight: 1 });
    expect(decode(k, head, o).scores).toEqual([]);
    expect(decode(k, head, { ...o, confThreshold: 0.4999 }).scores).toEqual([0.5]);
    expect(decode(k, head, { ...o, confThreshold: Number.NEGATIVE_INFINITY }).scores).toEqual([0.5]);
  });

  it('accepts an empty kps and ignores out.keypoints without landmarks', () => {
    const o = options({ gridWidth: 1, gridHeight: 1, anchorsPerCell: 1, confThreshold: 0 });
    const out = { boxes: new Float32Array(4), scores: new Float32Array(1), classes: new Int32Array(1) };
    const junk = { ...out, keypoints: 'junk' as never };
    const [scores, bbox] = [Float32Array.of(1), Float32Array.of(1, 2, 3, 4)];
    expect(k.decodeScrfd(scores, bbox, new Float32Array(0), o, out)).toBe(1);
    expect(k.decodeScrfd(scores, bbox, null, o, junk)).toBe(1);
    expect(Array.from(out.boxes)).toEqual([-8, -16, 24, 32]);
  });

  it('validates the inputs, the options and the outputs in order', () => {
    const o = options({ numKeypoints: 5 });
    const out = () => ({
      boxes: new Float32Array(32),
      scores: new Float32Array(8),
      classes: new Int32Array(8),
      keypoints: new Float32Array(80),
    });
    const call = (
      over: Partial<{ scores: unknown; bbox: unknown; kps: unknown; options: unknown; out: unknown }>,
    ) =>
      message(() =>
        k.decodeScrfd(
          ('scores' in over ? over.scores : new Float32Array(8)) as Float32Array,
          ('bbox' in over ? over.bbox : new Float32Array(32)) as Float32Array,
          ('kps' in over ? over.kps : new Float32Array(80)) as Float32Array,
          ('options' in over ? over.options : o) as FaceStrideOptions,
          ('out' in over ? over.out : out()) as never,
        ),
      );
    const anchors = 'gridWidth * gridHeight * anchorsPerCell';
    expect(call({})).toBe('no error');
    expect(call({ scores: [1] })).toBe(
      'TypeError: Expected a Float32Array for scores but received "[object Array]"',
    );
    expect(call({ bbox: new Float64Array(32) })).toBe(
      'TypeError: Expected a Float32Array for bbox but received "[object Float64Array]"',
    );
    expect(call({ kps: undefined })).toBe(
      'TypeError: Expected a Float32Array or null for kps but received undefined',
    );
    expect(call({ options: null })).toBe('TypeError: Expected an object for options but received null');
    expect(call({ options: { ...o, stride: 0 } })).toBe(
      'RangeError: Expected a positive integer for options.stride but received 0',
    );
    expect(call({ options: { ...o, gridHeight: '2' } })).toBe(
      'RangeError: Expected a positive integer for options.gridHeight but received "2"',
    );
    expect(call({ options: { ...o, anchorsPerCell: 1.5 } })).toBe(
      'RangeError: Expected a positive integer for options.anchorsPerCell but received 1.5',
    );
    expect(call({ options: { ...o, numKeypoints: -1 } })).toBe(
      'RangeError: Expected a non-negative integer for options.numKeypoints but received -1',
    );
    expect(call({ options: { ...o, confThreshold: Number.NaN } })).toBe(
      'RangeError: Expected a number for options.confThreshold but received null',
    );
    expect(call({ out: { ...out(), keypoints: undefined } })).toBe(
      'TypeError: Expected a Float32Array for out.keypoints but received undefined',
    );
    expect(call({ out: { ...out(), classes: new Float32Array(8) } })).toBe(
      'TypeError: Expected an Int32Array for out.classes but received "[object Float32Array]"',
    );
    expect(call({ scores: new Float32Array(7) })).toBe(
      `RangeError: Expected 8 floats (${anchors}) for scores.length but received 7`,
    );
    expect(call({ bbox: new Float32Array(31) })).toBe(
      `RangeError: Expected 32 floats (4 * ${anchors}) for bbox.length but received 31`,
    );
    expect(call({ kps: null })).toBe(
      `RangeError: Expected 80 floats (2 * numKeypoints * ${anchors}) for kps but received null`,
    );
    expect(call({ kps: new Float32Array(79) })).toBe(
      `RangeError: Expected 80 floats (2 * numKeypoints * ${anchors}) for kps.length but received 79`,
    );
    expect(call({ options: { ...o, numKeypoints: 0 } })).toBe(
      `RangeError: Expected 0 floats (2 * numKeypoints * ${anchors}) for kps.length but received 80`,
    );
    expect(call({ out: { ...out(), boxes: new Float32Array(28) } })).toBe(
      `RangeError: Expected at least 32 floats (4 * ${anchors}) for out.boxes.length but received 28`,
    );
    expect(call({ out: { ...out(), scores: new Float32Array(7) } })).toBe(
      `RangeError: Expected at least 8 floats (${anchors}) for out.scores.length but received 7`,
    );
    expect(call({ out: { ...out(), classes: new Int32Array(7) } })).toBe(
      `RangeError: Expected at least 8 entries (${anchors}) for out.classes.length but received 7`,
    );
    expect(call({ out: { ...out(), keypoints: new Float32Array(70) } })).toBe(
      `RangeError: Expected at least 80 floats (2 * numKeypoints * ${anchors}) for out.keypoints.length but received 70`,
    );
    // The first failing check wins: argument order, then options, then lengths.
    expect(call({ scores: new Float32Array(1), options: { ...o, stride: -8 } })).toBe(
      'RangeError: Expected a positive integer for options.stride but received -8',
    );
  });
});
