// fillPolygons, both implementations: which pixel centres rings enclose (even–odd, half-open
// edges), worked out by hand on small rings and checked point by point on seeded random rings,
// and the argument checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type RegionOptions } from '../../src/kernels/index.js';
import { message } from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';
import { insideRings, type XY } from '../helpers/segment-models.js';

const WHOLE_6x5: RegionOptions = { regionX: 0, regionY: 0, regionWidth: 6, regionHeight: 5 };

/** The ring of an axis-aligned rectangle from corner (x0, y0) to (x1, y1): down, across, up. */
const rect = (x0: number, y0: number, x1: number, y1: number): XY[] => [
  [x0, y0],
  [x0, y1],
  [x1, y1],
  [x1, y0],
];

/** Rings as the kernel takes them: points ring after ring, and each ring's length. */
function flat(rings: readonly XY[][]): [Float64Array, Int32Array] {
  return [Float64Array.from(rings.flat(2)), Int32Array.from(rings, (r) => r.length)];
}

describe.each(['reference', 'native'] as const)('%s fillPolygons', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  /** The filled region as rows of '#' and '.'. */
  function picture(rings: XY[][], o: RegionOptions): string[] {
    const mask = new Uint8Array(o.regionWidth * o.regionHeight);
    k.fillPolygons(...flat(rings), o, mask);
    return Array.from({ length: o.regionHeight }, (_, y) =>
      Array.from(mask.subarray(y * o.regionWidth, (y + 1) * o.regionWidth), (v) => (v ? '#' : '.')).join(''),
    );
  }

  it('sets the pixels whose centres a square of half-pixel corners encloses', () => {
    expect(picture([rect(0.5, 0.5, 3.5, 3.5)], WHOLE_6x5)).toEqual([
      '......',
      '.###..',
      '.###..',
      '.###..',
      '......',
    ]);
  });

  it('counts a centre on a left or top edge in, on a right or bottom edge out', () => {
    expect(picture([rect(1, 1, 4, 3)], WHOLE_6x5)).toEqual([
      '......',
      '.###..',
      '.###..',
      '......',
      '......',
    ]);
  });

  it('follows a diagonal edge, and covers nothing for a ring traced back along itself', () => {
    const triangle: XY[] = [
      [0.5, 0.5],
      [0.5, 4.5],
      [4.5, 4.5],
    ];
    expect(picture([triangle], WHOLE_6x5)).toEqual(['......', '......', '.#....', '.##...', '.###..']);
    const line: XY[] = [
      [1, 0],
      [1, 4],
      [1, 0],
    ];
    expect(picture([line], WHOLE_6x5)).toEqual(['......', '......', '......', '......', '......']);
  });

  it('fills two rings apart, and only the part inside the region, offset in the image', () => {
    const [left, right] = [rect(10.5, 20.5, 12.5, 22.5), rect(14.5, 19.5, 20, 30)];
    expect(picture([left, right], { regionX: 10, regionY: 20, regionWidth: 7, regionHeight: 4 })).toEqual([
      '.....##',
      '.##..##',
      '.##..##',
      '.....##',
    ]);
  });

  it('clears the region, leaves the bytes past it, and returns the count', () => {
    const mask = new Uint8Array(32).fill(7);
    const dot = rect(1.5, 1.5, 2.5, 2.5);
    expect(k.fillPolygons(...flat([dot]), WHOLE_6x5, mask)).toBe(1);
    expect(Array.from(mask.subarray(0, 30)).filter((v) => v !== 0)).toEqual([1]);
    expect(mask[2 * 6 + 2]).toBe(1);
    expect(Array.from(mask.subarray(30))).toEqual([7, 7]);
    expect(k.fillPolygons(...flat([]), WHOLE_6x5, mask)).toBe(0);
    expect(k.fillPolygons(...flat([dot]), { ...WHOLE_6x5, regionWidth: 0 }, mask)).toBe(0);
  });

  it('sets exactly the pixels a point-by-point check finds inside 200 seeded random rings', () => {
    const random = createRandom(12);
    const o: RegionOptions = { regionX: 0, regionY: 0, regionWidth: 25, regionHeight: 25 };
    for (let round = 0; round < 200; round++) {
      const rings: XY[][] = Array.from({ length: random.int(1, 3) }, () =>
        Array.from({ length: random.int(3, 14) }, (): XY => {
          // Half the points on a 0.5 grid (centres fall on edges and vertices), half anywhere.
          const v = () => (random.next() < 0.5 ? random.int(0, 60) / 2 : random.float(0, 30));
          return [v() - 2, v() - 2];
        }),
      );
      const mask = new Uint8Array(25 * 25);
      const set = k.fillPolygons(...flat(rings), o, mask);
      const expected = Array.from({ length: 25 * 25 }, (_, i) =>
        insideRings(rings, i % 25, Math.floor(i / 25)) ? 1 : 0,
      );
      const wrong = expected.findIndex((v, i) => mask[i] !== v);
      expect(wrong, `round ${round}: pixel ${wrong % 25}, ${Math.floor(wrong / 25)}`).toBe(-1);
      expect(set, `round ${round}`).toBe(expected.filter((v) => v === 1).length);
    }
  });

  it('validates the arrays and the options', () => {
    const [points, lengths] = flat([
      [
        [0, 0],
        [0, 2],
        [2, 2],
      ],
    ]);
    const out = new Uint8Array(30);
    const run = (p = points, l = lengths, o = WHOLE_6x5, mask = out) =>
      message(() => k.fillPolygons(p, l, o, mask));
    expect(run(Float32Array.from(points) as never)).toBe(
      'TypeError: Expected a Float64Array for points but received "[object Float32Array]"',
    );
    expect(run(points, Int32Array.from([3, -1]))).toBe(
      'RangeError: Expected a non-negative integer for ringLengths[1] but received -1',
    );
    expect(run(points, Int32Array.from([4]))).toBe(
      'RangeError: Expected at least 8 floats (2 * the sum of ringLengths) for points.length but received 6',
    );
    expect(run(Float64Array.from([0, 0, 0, Number.NaN, 2, 2]))).toBe(
      'RangeError: Expected a finite number for points[3] but received null',
    );
    expect(run(points, lengths, { ...WHOLE_6x5, regionY: -1 })).toBe(
      'RangeError: Expected a non-negative integer for options.regionY but received -1',
    );
    expect(run(points, lengths, WHOLE_6x5, out.subarray(1))).toBe(
      'RangeError: Expected at least 30 bytes (regionWidth * regionHeight) for out.length but received 29',
    );
  });
});
