import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { nmsRotated } from '../../src/kernels/rotated-nms.js';
import { classMapPng } from '../../src/tasks/semantic/png.js';
import { classIds, paletteOf } from '../../web/src/class-map.js';
import { filterDetections, type Keypoint, type Point } from '../../web/src/filter.js';
import { isOriented, probIou, topCorner } from '../../web/src/rotated.js';
import { isSeen, limbs } from '../../web/src/skeleton.js';
import { createRandom } from '../helpers/random.js';

/** A box of `w`×`h` centred on (cx, cy), turned by `angle` radians, as an obb detection. */
function oriented(
  cls: number,
  confidence: number,
  cx: number,
  cy: number,
  w: number,
  h: number,
  angle: number,
) {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const corners = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ].map(([x = 0, y = 0]): Point => [cx + x * c - y * s, cy + x * s + y * c]);
  return { label: `c${cls}`, class: cls, confidence, box: { cx, cy, w, h, angle }, corners };
}

describe('oriented boxes (web/src/rotated.ts)', () => {
  it('knows an obb detection and the corner its label goes on', () => {
    const square = oriented(0, 0.9, 50, 50, 20, 20, Math.PI / 4);
    expect(isOriented(square)).toBe(true);
    expect(isOriented({ label: 'a', class: 0, confidence: 1, box: { x1: 0, y1: 0, x2: 1, y2: 1 } })).toBe(
      false,
    );
    const [x, y] = topCorner(square.corners);
    expect(x).toBeCloseTo(50, 9);
    expect(y).toBeCloseTo(50 - 10 * Math.SQRT2, 9);
    expect(
      topCorner([
        [5, 1],
        [2, 1],
        [9, 9],
      ]),
    ).toEqual([2, 1]);
  });

  it("measures overlap as the server's probabilistic IoU: a cross of thin boxes barely overlaps", () => {
    const box = (w: number, h: number, angle: number) => ({ cx: 0, cy: 0, w, h, angle });
    expect(probIou(box(60, 8, Math.PI / 4), box(60, 8, Math.PI / 4))).toBeCloseTo(1, 3);
    // The same square at any angle is the same Gaussian.
    expect(probIou(box(30, 30, 0), box(30, 30, 0.7))).toBeCloseTo(1, 3);
    // +45° and −45° arms share their axis-aligned box (IoU 1), but not their Gaussians.
    expect(probIou(box(60, 8, Math.PI / 4), box(8, 60, Math.PI / 4))).toBeCloseTo(0.14, 2);
    expect(probIou(box(60, 8, 0), { ...box(60, 8, 0), cx: 500 })).toBeLessThan(1e-6);
  });

  it('keeps exactly what the server’s rotated NMS keeps, on random scenes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = createRandom(seed);
      const dets = Array.from({ length: 40 }, () =>
        oriented(
          r.int(0, 1),
          Math.round(r.float(0.3, 1) * 1e4) / 1e4,
          r.float(0, 200),
          r.float(0, 200),
          r.float(5, 80),
          r.float(5, 80),
          r.float(0, Math.PI / 2),
        ),
      );
      for (const threshold of [0.2, 0.5, 0.8]) {
        const order = [...dets].sort((a, b) => b.confidence - a.confidence);
        const boxes = Float32Array.from(order.flatMap(({ box: b }) => [b.cx, b.cy, b.w, b.h, b.angle]));
        const kept = new Int32Array(order.length);
        const n = nmsRotated(
          boxes,
          Float32Array.from(order, (d) => d.confidence),
          Int32Array.from(order, (d) => d.class),
          { count: order.length, iouThreshold: threshold, maxDetections: 300, classAware: true },
          kept,
        );
        const server = [...kept.subarray(0, n)].map((i) => order[i]);
        // Some overlap at 0.2, so the comparison covers suppression, not only sorting.
        if (threshold === 0.2) expect(server.length).toBeLessThan(dets.length);
        expect(filterDetections(dets, { confidence: 0, iou: threshold })).toEqual(server);
      }
    }
  });
});

describe('skeletons (web/src/skeleton.ts)', () => {
  const k = (x: number, score?: number): Keypoint => ({ name: `k${x}`, x, y: 0, score });

  it('joins only keypoints seen at a score of 0.5 or more; unscored landmarks count as seen', () => {
    expect([k(0, 0.5), k(0, 0.49), k(0)].map(isSeen)).toEqual([true, false, true]);
    const keypoints = [k(0, 0.9), k(1, 0.2), k(2, 0.6), k(3, 0.99)];
    const joined = limbs(keypoints, [
      [0, 1], // one end unseen
      [0, 2],
      [2, 3],
      [3, 7], // no keypoint 7
    ]);
    expect(joined.map(([a, b]) => [a.x, b.x])).toEqual([
      [0, 2],
      [2, 3],
    ]);
    expect(limbs(keypoints, [])).toEqual([]);
  });
});

describe('class maps (web/src/class-map.ts)', () => {
  it("reads back the class id of every pixel of the server's class map, decoded as a browser does", async () => {
    const [width, height] = [7, 5];
    const ids = Uint8Array.from({ length: width * height }, (_, i) => (i * 3) % 21);
    ids[0] = 255; // no class (a multi-label pixel under every threshold)
    const png = await classMapPng({ width, height, classes: 21, ids });
    const palette = paletteOf(png);
    expect(palette).toHaveLength(256);
    expect(palette.slice(0, 2)).toEqual([0x000000, 0x800000]); // VOC's background and aeroplane
    const rgba = await sharp(png).ensureAlpha().raw().toBuffer();
    expect(classIds(new Uint8ClampedArray(rgba), palette)).toEqual(ids);
  });

  it('takes the first of repeated palette colours; finds no palette in a greyscale PNG', async () => {
    const pixels = new Uint8ClampedArray([0, 0, 0x80, 255, 0x80, 0, 0, 255]);
    expect(classIds(pixels, [0x800000, 0x000080, 0x000080])).toEqual(Uint8Array.from([1, 0]));
    expect(() => classIds(pixels, [0x800000])).toThrow(/#000080/);
    const grey = await sharp(Uint8Array.from([0, 1, 2, 3]), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    expect(paletteOf(grey)).toEqual([]);
  });
});
