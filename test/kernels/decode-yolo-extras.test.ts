import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type YoloDecodeOptions } from '../../src/kernels/index.js';
import { candidates, message } from '../helpers/kernels.js';

const f = Math.fround;

// v8 head with N = 3 anchors, C = 2 classes and E = 3 extras: rows cx, cy, w, h, class 0, class 1,
// then 3 extra rows (mask coefficients, keypoint values or the angle, as the model emits them).
const HEAD = [
  [10, 50, 100], // cx
  [20, 0, 4], // cy
  [4, 2, 6], // w
  [2, 10, 2], // h
  [0.9, 0.2, 0.1], // class 0
  [0.1, 0.3, 0.7], // class 1
  [1.5, -1.5, 3.25], // extra 0
  [0.5, -0.5, 2], // extra 1
  [7, 8, 9], // extra 2
].flat();

const options = (o: Partial<YoloDecodeOptions> = {}): YoloDecodeOptions => ({
  layout: 'v8',
  numClasses: 2,
  numAnchors: 3,
  confThreshold: 0.5,
  numExtras: 3,
  ...o,
});

/** Room for 3 candidates with `extras` floats of extras, every element −7. */
function out(extras = 9) {
  return { ...candidates(3), extras: new Float32Array(extras).fill(-7) };
}

describe.each(['reference', 'native'] as const)('%s decodeYolo extras', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('copies the rows after the class scores of each kept anchor, in candidate order', () => {
    const o = out();
    expect(k.decodeYolo(Float32Array.from(HEAD), options(), o)).toBe(2);
    // Anchors 0 (class 0, 0.9) and 2 (class 1, 0.7) are kept; anchor 1 (best 0.3) is not.
    expect(Array.from(o.classes.subarray(0, 2))).toEqual([0, 1]);
    expect(Array.from(o.scores.subarray(0, 2))).toEqual([f(0.9), f(0.7)]);
    expect(Array.from(o.boxes.subarray(0, 8))).toEqual([8, 19, 12, 21, 97, 3, 103, 5]);
    expect(Array.from(o.extras)).toEqual([1.5, 0.5, 7, 3.25, 2, 9, -7, -7, -7]);
  });

  it('copies pose keypoints (x, y, visibility per keypoint) and an OBB angle alike', () => {
    // One class, 2 keypoints: E = 6.
    const pose = [[5], [5], [2], [2], [0.8], [1], [2], [0.9], [3], [4], [0.1]].flat();
    const o = { ...candidates(1), extras: new Float32Array(6) };
    const kept = k.decodeYolo(
      Float32Array.from(pose),
      options({ numClasses: 1, numAnchors: 1, numExtras: 6 }),
      o,
    );
    expect(kept).toBe(1);
    expect(Array.from(o.extras)).toEqual([1, 2, f(0.9), 3, 4, f(0.1)]);
    // One class and the angle in radians: E = 1.
    const obb = [[5], [5], [4], [2], [0.8], [f(0.7853982)]].flat();
    const r = { ...candidates(1), extras: new Float32Array(1) };
    k.decodeYolo(Float32Array.from(obb), options({ numClasses: 1, numAnchors: 1, numExtras: 1 }), r);
    expect(r.extras[0]).toBe(f(0.7853982));
  });

  it('needs no out.extras without extras (numExtras 0 or absent)', () => {
    const head = HEAD.slice(0, 6 * 3);
    const { extras: _, ...plain } = out();
    expect(k.decodeYolo(Float32Array.from(head), options({ numExtras: 0 }), plain)).toBe(2);
    const { numExtras: __, ...absent } = options();
    expect(k.decodeYolo(Float32Array.from(head), absent, plain)).toBe(2);
  });

  it('validates numExtras, out.extras and the head length', () => {
    const head = Float32Array.from(HEAD);
    expect(message(() => k.decodeYolo(head, options({ layout: 'v5' }), out()))).toBe(
      'RangeError: Expected 0 (layout v5) for options.numExtras but received 3',
    );
    expect(message(() => k.decodeYolo(head, options({ numExtras: 1.5 }), out()))).toBe(
      'RangeError: Expected a non-negative integer for options.numExtras but received 1.5',
    );
    expect(message(() => k.decodeYolo(head, options({ numExtras: null as never }), out()))).toBe(
      'RangeError: Expected a non-negative integer for options.numExtras but received null',
    );
    const { extras: _, ...missing } = out();
    expect(message(() => k.decodeYolo(head, options(), missing))).toBe(
      'TypeError: Expected a Float32Array for out.extras but received undefined',
    );
    expect(message(() => k.decodeYolo(head, options(), out(8)))).toBe(
      'RangeError: Expected at least 9 floats (numExtras * numAnchors) for out.extras.length but received 8',
    );
    expect(message(() => k.decodeYolo(head, options({ numExtras: 2 }), out()))).toBe(
      'RangeError: Expected 24 floats ((4 + numClasses + numExtras) * numAnchors) for output.length but received 27',
    );
  });
});
