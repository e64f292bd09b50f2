// Oriented-box geometry: Ultralytics' regularisation, and boxes and corners mapped from model
// input to the original image through a letterbox or a stretch.
import { describe, expect, it } from 'vitest';
import type { Placement } from '../../src/image/geometry.js';
import { type Point, type RotatedBox, regularize, toOriginal } from '../../src/tasks/obb/geometry.js';
import { createRandom } from '../helpers/random.js';

const DEG = Math.PI / 180;

/** The 4 corners of a box, from its own definition (not regularised): centre ± u ± v. */
function cornersOf({ cx, cy, w, h, angle }: RotatedBox): Point[] {
  const u = [(w / 2) * Math.cos(angle), (w / 2) * Math.sin(angle)] as const;
  const v = [-(h / 2) * Math.sin(angle), (h / 2) * Math.cos(angle)] as const;
  return [
    [1, 1],
    [1, -1],
    [-1, -1],
    [-1, 1],
  ].map(([a, b]) => [
    cx + (a as number) * u[0] + (b as number) * v[0],
    cy + (a as number) * u[1] + (b as number) * v[1],
  ]);
}

/** The corners as a set (sorted), to compare rectangles whatever their corner order. */
const cornerSet = (corners: Point[]) => [...corners].sort((p, q) => p[0] - q[0] || p[1] - q[1]);

function expectPoints(actual: Point[], expected: Point[], digits = 6) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach(([x, y], i) => {
    expect(x).toBeCloseTo((expected[i] as Point)[0], digits);
    expect(y).toBeCloseTo((expected[i] as Point)[1], digits);
  });
}

const IDENTITY: Placement = { resizeWidth: 0, resizeHeight: 0, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 };

describe('regularize (Ultralytics regularize_rboxes)', () => {
  const box = (w: number, h: number, degrees: number): RotatedBox => ({
    cx: 5,
    cy: 7,
    w,
    h,
    angle: degrees * DEG,
  });

  it.each([
    ['0° stays', box(60, 20, 0), [60, 20, 0]],
    ['45° stays', box(40, 20, 45), [40, 20, 45]],
    ['89.9° stays (under 90°)', box(50, 16, 89.9), [50, 16, 89.9]],
    ['w < h at 30° stays: w is not always the longer side', box(16, 50, 30), [16, 50, 30]],
    ['100°: the sides swap, 100° mod 90° = 10°', box(16, 50, 100), [50, 16, 10]],
    ['90°: the sides swap, angle 0', box(60, 20, 90), [20, 60, 0]],
    ['180° is 0°', box(60, 20, 180), [60, 20, 0]],
    ['−45° (an Ultralytics head gives [−45°, 135°)): swap, 45°', box(60, 8, -45), [8, 60, 45]],
    ['−30°: swap, 60°', box(60, 20, -30), [20, 60, 60]],
    ['134°: swap, 44°', box(60, 20, 134), [20, 60, 44]],
    ['−360.5° is −0.5°: swap, 89.5°', box(60, 20, -360.5), [20, 60, 89.5]],
  ])('%s', (_, input, [w, h, degrees]) => {
    const r = regularize(input);
    expect(r.cx).toBe(5);
    expect(r.cy).toBe(7);
    expect(r.w).toBe(w);
    expect(r.h).toBe(h);
    expect(r.angle / DEG).toBeCloseTo(degrees as number, 9);
  });

  it('puts a tiny negative angle at 0, never at π/2', () => {
    for (const angle of [-1e-17, -1e-20])
      expect(regularize({ ...box(60, 20, 0), angle })).toMatchObject({ w: 60, h: 20, angle: 0 });
  });

  it('keeps the rectangle: same corners (as a set) for 1000 random boxes, angle in [0, π/2)', () => {
    const random = createRandom(12);
    for (let k = 0; k < 1000; k++) {
      const input = {
        cx: random.float(-50, 50),
        cy: random.float(-50, 50),
        w: random.float(0, 100),
        h: random.float(0, 100),
        angle: random.float(-10, 10),
      };
      const r = regularize(input);
      expect(r.angle).toBeGreaterThanOrEqual(0);
      expect(r.angle).toBeLessThan(Math.PI / 2);
      expectPoints(cornerSet(cornersOf(r)), cornerSet(cornersOf(input)), 9);
    }
  });
});

describe('toOriginal: model-input box → original image', () => {
  it("gives the corners in Ultralytics' xyxyxyxy order: at 0°, bottom-right, top-right, top-left, bottom-left", () => {
    const { box, corners } = toOriginal({ cx: 100, cy: 50, w: 40, h: 20, angle: 0 }, IDENTITY);
    expect(box).toEqual({ cx: 100, cy: 50, w: 40, h: 20, angle: 0 });
    expect(corners).toEqual([
      [120, 60],
      [120, 40],
      [80, 40],
      [80, 60],
    ]);
  });

  it('regularises before mapping: 16 × 50 at 100° is 50 × 16 at 10°, its corners those of the given box', () => {
    const input = { cx: 200, cy: 200, w: 16, h: 50, angle: 100 * DEG };
    const { box, corners } = toOriginal(input, IDENTITY);
    expect(box.w).toBeCloseTo(50, 9);
    expect(box.h).toBeCloseTo(16, 9);
    expect(box.angle / DEG).toBeCloseTo(10, 9);
    expectPoints(corners, cornersOf({ ...box }), 9);
    expectPoints(cornerSet(corners), cornerSet(cornersOf(input)), 9);
  });

  it('through a letterbox (one scale, an offset) scales the box and keeps its angle', () => {
    // 640×480 letterboxed into 320×320: scale 0.5, 40 px of padding on top.
    const letterbox: Placement = {
      resizeWidth: 320,
      resizeHeight: 240,
      offsetX: 0,
      offsetY: 40,
      scaleX: 0.5,
      scaleY: 0.5,
    };
    const { box, corners } = toOriginal({ cx: 200, cy: 100, w: 40, h: 20, angle: 45 * DEG }, letterbox);
    expect(box.cx).toBeCloseTo(400, 9);
    expect(box.cy).toBeCloseTo(120, 9);
    expect(box.w).toBeCloseTo(80, 9);
    expect(box.h).toBeCloseTo(40, 9);
    expect(box.angle).toBeCloseTo(Math.PI / 4, 12);
    // u = 40 (cos 45°, sin 45°) = (28.284, 28.284); v = 20 (−sin 45°, cos 45°) = (−14.142, 14.142).
    const r = 20 * Math.SQRT2;
    const q = 10 * Math.SQRT2;
    expectPoints(corners, [
      [400 + r - q, 120 + r + q],
      [400 + r + q, 120 + r - q],
      [400 - r + q, 120 - r - q],
      [400 - r - q, 120 - r + q],
    ]);
  });

  it('through a non-uniform stretch: corners are the exact images, box keeps centre, first side and area', () => {
    // 640×320 stretched into 320×320: x halves, y stays.
    const stretch: Placement = {
      resizeWidth: 320,
      resizeHeight: 320,
      offsetX: 0,
      offsetY: 0,
      scaleX: 0.5,
      scaleY: 1,
    };
    const input = { cx: 160, cy: 160, w: 40, h: 20, angle: 45 * DEG };
    const { box, corners } = toOriginal(input, stretch);
    // Each input corner (x, y) maps to (2x, y).
    expectPoints(
      corners,
      cornersOf(input).map(([x, y]) => [2 * x, y]),
    );
    // The w side: u = (14.142, 14.142) → (28.284, 14.142): length 31.623, angle atan(1/2).
    expect(box.cx).toBeCloseTo(320, 9);
    expect(box.cy).toBeCloseTo(160, 9);
    expect(box.w).toBeCloseTo(2 * Math.hypot(20 * Math.SQRT2, 10 * Math.SQRT2), 9);
    expect(box.angle).toBeCloseTo(Math.atan(0.5), 12);
    // The area doubles: 40 × 20 × 2 = 1600 = w × h.
    expect(box.w * box.h).toBeCloseTo(1600, 9);
    expect(box.h).toBeCloseTo(25.298, 3);
  });

  it('keeps angles in [0, π/2) under any positive scales', () => {
    const random = createRandom(7);
    for (let k = 0; k < 500; k++) {
      const p: Placement = {
        resizeWidth: 0,
        resizeHeight: 0,
        offsetX: random.float(-20, 20),
        offsetY: random.float(-20, 20),
        scaleX: random.float(0.05, 4),
        scaleY: random.float(0.05, 4),
      };
      const input = {
        cx: 50,
        cy: 50,
        w: random.float(0, 80),
        h: random.float(0, 80),
        angle: random.float(-4, 4),
      };
      const { box, corners } = toOriginal(input, p);
      expect(box.angle).toBeGreaterThanOrEqual(0);
      expect(box.angle).toBeLessThan(Math.PI / 2);
      // The corners are the images of the given box's corners.
      const images = cornersOf(input).map(
        ([x, y]): Point => [(x - p.offsetX) / p.scaleX, (y - p.offsetY) / p.scaleY],
      );
      expectPoints(cornerSet(corners), cornerSet(images), 6);
    }
  });
});
