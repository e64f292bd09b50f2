import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type SegmentMaskOptions } from '../../src/kernels/index.js';
import { message } from '../helpers/kernels.js';

// Two 4 × 4 prototype planes for an 8 × 8 input: plane 0 is +10 in prototype columns 0–1 and −10 in
// columns 2–3 (sigmoid ≈ 1 on the left, ≈ 0 on the right), plane 1 is its opposite.
const PROTOS = Float32Array.from({ length: 32 }, (_, i) => (i % 4 < 2 === i < 16 ? 10 : -10));

// Input column x samples prototype column u = (x + 0.5) × 4/8 − 0.5 = x/2 − 0.25: columns 0–3 read
// mostly the lit prototype columns (the sample at x = 3 is 0.75 × 1 + 0.25 × 0 = 0.75), columns 4–7
// mostly the dark ones (x = 4: 0.25).
const LEFT = [1, 1, 1, 1, 0, 0, 0, 0];
const RIGHT = [0, 0, 0, 0, 1, 1, 1, 1];

const options = (o: Partial<SegmentMaskOptions> = {}): SegmentMaskOptions => ({
  numMasks: 2,
  protoWidth: 4,
  protoHeight: 4,
  inputWidth: 8,
  inputHeight: 8,
  box: [0, 0, 8, 8],
  regionX: 0,
  regionY: 0,
  regionWidth: 8,
  regionHeight: 8,
  ...o,
});

/** The mask as rows of 0/1, and its returned area. */
function mask(k: Kernels, coefficients: number[], o: SegmentMaskOptions, protos = PROTOS) {
  const out = new Uint8Array(o.regionWidth * o.regionHeight).fill(7);
  const area = k.segmentMask(protos, Float32Array.from(coefficients), o, out);
  const rows = Array.from({ length: o.regionHeight }, (_, y) =>
    Array.from(out.subarray(y * o.regionWidth, (y + 1) * o.regionWidth)),
  );
  return { rows, area };
}

const repeat = <T>(row: T, n: number) => Array.from({ length: n }, () => row);

describe.each(['reference', 'native'] as const)('%s segmentMask', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('lights the region of the prototype plane the coefficients pick', () => {
    expect(mask(k, [1, 0], options())).toEqual({ rows: repeat(LEFT, 8), area: 32 });
    expect(mask(k, [0, 1], options())).toEqual({ rows: repeat(RIGHT, 8), area: 32 });
    // sigmoid(0) = 0.5 is not above 0.5.
    expect(mask(k, [0, 0], options()).area).toBe(0);
  });

  it('clears the pixels whose centres are outside the box', () => {
    // The box starts at x = 1, so column 0 (centre 0.5) is outside, and ends at y = 5, so rows 5+
    // (centres 5.5 on) are.
    const o = options({ box: [1, 0, 8, 5] });
    const row = [0, 1, 1, 1, 0, 0, 0, 0];
    expect(mask(k, [1, 0], o)).toEqual({ rows: [...repeat(row, 5), ...repeat(repeat(0, 8), 3)], area: 15 });
  });

  it('writes a sub-rectangle of the input as that part of the whole mask', () => {
    const whole = mask(k, [1, 0], options({ box: [1, 0, 8, 5] })).rows;
    const o = options({ box: [1, 0, 8, 5], regionX: 2, regionY: 3, regionWidth: 4, regionHeight: 3 });
    const part = whole.slice(3, 6).map((row) => row.slice(2, 6));
    expect(part).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(mask(k, [1, 0], o)).toEqual({ rows: part, area: 4 });
  });

  it('reads only the prototype pixels around the box', () => {
    // NaN everywhere but prototype columns 0–1 of rows 0–1: a box over input [0, 2) × [0, 2) reads
    // prototype rows and columns 0 and 1 only.
    const protos = PROTOS.map((v, i) => (i % 4 < 2 && i % 16 < 8 ? v : Number.NaN));
    const o = options({ box: [0, 0, 2, 2] });
    const row = [1, 1, 0, 0, 0, 0, 0, 0];
    expect(mask(k, [1, 0], o, protos)).toEqual({ rows: [row, row, ...repeat(repeat(0, 8), 6)], area: 4 });
  });

  it('writes zeros when the box misses the region, and nothing past the region', () => {
    const out = new Uint8Array(20).fill(7);
    const o = options({ box: [100, 100, 120, 120], regionWidth: 4, regionHeight: 4 });
    expect(k.segmentMask(PROTOS, Float32Array.from([1, 0]), o, out)).toBe(0);
    expect(Array.from(out)).toEqual([...repeat(0, 16), 7, 7, 7, 7]);
    const inverted = options({ box: [6, 6, 2, 2] });
    expect(mask(k, [1, 0], inverted).area).toBe(0);
    expect(mask(k, [1, 0], options({ regionWidth: 0 })).area).toBe(0);
  });

  it('validates the arrays and the options', () => {
    const c = Float32Array.from([1, 0]);
    const out = new Uint8Array(64);
    const run = (o: SegmentMaskOptions, protos = PROTOS, coefficients = c, mask = out) =>
      message(() => k.segmentMask(protos, coefficients, o, mask));
    expect(run(options(), PROTOS.subarray(1))).toBe(
      'RangeError: Expected at least 32 floats (numMasks * protoHeight * protoWidth) for protos.length but received 31',
    );
    expect(run(options(), PROTOS, c.subarray(1))).toBe(
      'RangeError: Expected at least 2 floats (numMasks) for coefficients.length but received 1',
    );
    expect(run(options(), PROTOS, c, out.subarray(1))).toBe(
      'RangeError: Expected at least 64 bytes (regionWidth * regionHeight) for out.length but received 63',
    );
    expect(run(options({ box: [0, 0, 8] as never }))).toBe(
      'RangeError: Expected 4 entries for options.box but received 3',
    );
    expect(run(options({ box: [0, 0, 8, Number.NaN] }))).toBe(
      'RangeError: Expected a finite number for options.box[3] but received null',
    );
    expect(run(options({ protoWidth: 0 }))).toBe(
      'RangeError: Expected a positive integer for options.protoWidth but received 0',
    );
    expect(run(options({ regionX: -1 }))).toBe(
      'RangeError: Expected a non-negative integer for options.regionX but received -1',
    );
    expect(message(() => k.segmentMask(PROTOS, c, options(), new Int8Array(64) as never))).toBe(
      'TypeError: Expected a Uint8Array for out but received "[object Int8Array]"',
    );
  });
});
