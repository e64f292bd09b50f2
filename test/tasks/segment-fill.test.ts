// The segment family's outline-to-mask step: the region a detection's rings may cover, and the
// rings filled there through the kernels.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/index.js';
import type { Point } from '../../src/tasks/segment/contours.js';
import { fillRings, ringsRegion } from '../../src/tasks/segment/fill.js';

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

describe('fillRings', () => {
  it('fills every ring over its region: two squares, the second offset', () => {
    const square = (x: number, y: number): Point[] => [
      [x, y],
      [x, y + 2],
      [x + 2, y + 2],
      [x + 2, y],
    ];
    const rings = [square(10.5, 20.5), square(13.5, 20.5)];
    const region = ringsRegion(rings, 100, 100);
    expect(region).toEqual({ x: 11, y: 21, width: 5, height: 2 });
    const mask = new Uint8Array(10);
    expect(fillRings(rings, region, mask, referenceKernels)).toBe(8);
    expect(Array.from(mask)).toEqual([1, 1, 0, 1, 1, 1, 1, 0, 1, 1]);
  });
});
