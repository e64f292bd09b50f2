// The segment family's polygon fill: which pixel centres a ring encloses (even–odd, half-open
// edges), worked out by hand on small rings, and against a point-by-point check on seeded random
// rings.
import { describe, expect, it } from 'vitest';
import type { Point } from '../../src/tasks/segment/contours.js';
import { fillRings, ringsRegion } from '../../src/tasks/segment/fill.js';
import type { MaskRegion } from '../../src/tasks/segment/rle.js';
import { createRandom } from '../helpers/random.js';
import { insideRings } from '../helpers/segment-models.js';

/** The filled region as rows of '#' and '.'. */
function picture(rings: Point[][], region: MaskRegion): string[] {
  const mask = new Uint8Array(region.width * region.height);
  fillRings(rings, region, mask);
  return Array.from({ length: region.height }, (_, y) =>
    Array.from(mask.subarray(y * region.width, (y + 1) * region.width), (v) => (v ? '#' : '.')).join(''),
  );
}

const WHOLE_6x5: MaskRegion = { x: 0, y: 0, width: 6, height: 5 };

describe('fillRings', () => {
  it('sets the pixels whose centres a square of half-pixel corners encloses', () => {
    const square: Point[] = [
      [0.5, 0.5],
      [0.5, 3.5],
      [3.5, 3.5],
      [3.5, 0.5],
    ];
    expect(picture([square], WHOLE_6x5)).toEqual(['......', '.###..', '.###..', '.###..', '......']);
  });

  it('counts a centre on a left or top edge in, on a right or bottom edge out', () => {
    const square: Point[] = [
      [1, 1],
      [1, 3],
      [4, 3],
      [4, 1],
    ];
    expect(picture([square], WHOLE_6x5)).toEqual(['......', '.###..', '.###..', '......', '......']);
  });

  it('follows a diagonal edge, and covers nothing for a ring traced back along itself', () => {
    const triangle: Point[] = [
      [0.5, 0.5],
      [0.5, 4.5],
      [4.5, 4.5],
    ];
    expect(picture([triangle], WHOLE_6x5)).toEqual(['......', '......', '.#....', '.##...', '.###..']);
    const line: Point[] = [
      [1, 0],
      [1, 4],
      [1, 0],
    ];
    expect(picture([line], WHOLE_6x5)).toEqual(['......', '......', '......', '......', '......']);
  });

  it('fills two rings apart, and only the part inside the region, offset in the image', () => {
    const left: Point[] = [
      [10.5, 20.5],
      [10.5, 22.5],
      [12.5, 22.5],
      [12.5, 20.5],
    ];
    const right: Point[] = [
      [14.5, 19.5],
      [14.5, 30],
      [20, 30],
      [20, 19.5],
    ];
    expect(picture([left, right], { x: 10, y: 20, width: 7, height: 4 })).toEqual([
      '.....##',
      '.##..##',
      '.##..##',
      '.....##',
    ]);
  });

  it('clears a reused mask and returns the count; refuses a mask shorter than the region', () => {
    const mask = new Uint8Array(30).fill(7);
    const dot: Point[] = [
      [1.5, 1.5],
      [1.5, 2.5],
      [2.5, 2.5],
      [2.5, 1.5],
    ];
    expect(fillRings([dot], WHOLE_6x5, mask)).toBe(1);
    expect([...mask].filter((v) => v !== 0)).toEqual([1]);
    expect(mask[2 * 6 + 2]).toBe(1);
    expect(fillRings([], WHOLE_6x5, mask)).toBe(0);
    expect(() => fillRings([dot], WHOLE_6x5, new Uint8Array(29))).toThrow(RangeError);
  });

  it('sets exactly the pixels a point-by-point check finds inside 200 seeded random rings', () => {
    const random = createRandom(12);
    for (let round = 0; round < 200; round++) {
      const rings: Point[][] = Array.from({ length: 1 + Math.floor(random.next() * 3) }, () =>
        Array.from({ length: 3 + Math.floor(random.next() * 12) }, (): Point => {
          // Half the points on a 0.5 grid (centres fall on edges and vertices), half anywhere.
          const v = () => (random.next() < 0.5 ? Math.round(random.next() * 60) / 2 : random.next() * 30);
          return [v() - 2, v() - 2];
        }),
      );
      const region = ringsRegion(rings, 25, 25);
      const mask = new Uint8Array(region.width * region.height);
      const count = fillRings(rings, region, mask);
      let expected = 0;
      for (let y = 0; y < 25; y++) {
        for (let x = 0; x < 25; x++) {
          const inside = insideRings(rings, x, y);
          if (inside) expected++;
          const inRegion =
            x >= region.x && x < region.x + region.width && y >= region.y && y < region.y + region.height;
          const got = inRegion ? mask[(y - region.y) * region.width + x - region.x] : 0;
          if (got !== (inside ? 1 : 0)) throw new Error(`round ${round}: pixel (${x}, ${y}) is ${got}`);
        }
      }
      expect(count, `round ${round}`).toBe(expected);
    }
  });
});

describe('ringsRegion', () => {
  it('is the pixels whose centres lie within the rings’ bounds, clamped to the image', () => {
    const ring: Point[] = [
      [2.5, 1],
      [7.2, 3.5],
      [4, 9.9],
    ];
    expect(ringsRegion([ring], 100, 100)).toEqual({ x: 3, y: 1, width: 5, height: 9 });
    expect(ringsRegion([ring], 6, 5)).toEqual({ x: 3, y: 1, width: 3, height: 4 });
    const outside: Point[] = [
      [-0.5, -0.5],
      [-0.5, 2],
      [1, 2],
    ];
    expect(ringsRegion([outside], 10, 10)).toEqual({ x: 0, y: 0, width: 2, height: 3 });
    expect(ringsRegion([], 10, 10)).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});
