// Drawing oriented detections: a polygon through the corners with its label, on the upload.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { annotateObb, obbSvg } from '../../src/tasks/obb/draw.js';
import type { Point } from '../../src/tasks/obb/geometry.js';
import type { ObbDetection } from '../../src/tasks/obb/schema.js';
import { OBB_ANSWERS, OBB_LABELS } from '../helpers/obb-models.js';
import { meanDiff, rgbOf } from '../image/pixels.js';

const DETECTIONS: ObbDetection[] = OBB_ANSWERS.map((a) => ({ ...a, class: OBB_LABELS.indexOf(a.label) }));

/** Distance from (x, y) to the segment a–b. */
function toSegment(x: number, y: number, [ax, ay]: Point, [bx, by]: Point): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Distance from a pixel's centre to the outline through `corners`. */
const toOutline = (x: number, y: number, corners: readonly Point[]) =>
  Math.min(
    ...corners.map((c, i) => toSegment(x + 0.5, y + 0.5, c, corners[(i + 1) % corners.length] as Point)),
  );

describe('drawing oriented boxes', () => {
  it('outlines each box as the polygon through its corners, with its label and confidence', () => {
    const svg = obbSvg(640, 480, DETECTIONS);
    expect(svg).toContain('<polygon points="220,140 220,100 100,100 100,140" fill="none" stroke="#ff3838"');
    expect(svg).toContain(
      '<polygon points="414.1,162.4 442.4,134.1 385.9,77.6 357.6,105.9" fill="none" stroke="#2c99a8"',
    );
    expect(svg.match(/<polygon /g)).toHaveLength(DETECTIONS.length);
    for (const d of DETECTIONS) expect(svg).toContain(`>${d.label} ${d.confidence.toFixed(2)}</text>`);
    // Higher confidences draw last.
    expect(svg.indexOf('plane 0.92')).toBeGreaterThan(svg.indexOf('ship 0.45'));
  });

  it('puts the label above the highest corner, inside the image', () => {
    // The 45° ship's highest corner is (385.9, 77.6): the tag ends there.
    const svg = obbSvg(640, 480, [DETECTIONS[1] as ObbDetection]);
    const tag = /<rect x="([\d.]+)" y="([\d.]+)" width="(\d+)" height="(\d+)"/.exec(svg);
    const [x, y, , h] = (tag?.slice(1) ?? []).map(Number) as [number, number, number, number];
    expect(x).toBeCloseTo(385.9 - 1, 5); // half the 2 px line to the left
    expect(y + h).toBeCloseTo(77.6, 5);
  });

  it('draws the rotated outlines on the upload, not their axis-aligned boxes', async () => {
    const white = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const out = await annotateObb(white, DETECTIONS, 10_000_000);
    expect((await sharp(out).metadata()).format).toBe('jpeg');
    const [before, after] = await Promise.all([rgbOf(white), rgbOf(out)]);
    expect([after.width, after.height]).toEqual([640, 480]);
    for (const d of DETECTIONS) {
      const onOutline = (x: number, y: number) => toOutline(x, y, d.corners) < 0.7;
      expect(meanDiff(after, before, onOutline), `${d.label} ${d.confidence}`).toBeGreaterThan(40);
    }
    // The 45° ship's axis-aligned box is (360, 100)–(440, 140): its top-right and bottom-left
    // corners are about 19 px from the rotated outline, and stay white.
    const ship = DETECTIONS[1] as ObbDetection;
    const near = (cx: number, cy: number) => (x: number, y: number) =>
      Math.abs(x - cx) < 3 && Math.abs(y - cy) < 3;
    for (const [x, y] of [
      [437, 102],
      [362, 137],
    ] as Point[]) {
      expect(toOutline(x, y, ship.corners)).toBeGreaterThan(15);
      expect(meanDiff(after, before, near(x, y))).toBeLessThan(4);
    }
    // Far from every outline (labels sit just above them), the image is untouched.
    const far = (x: number, y: number) => DETECTIONS.every((d) => toOutline(x, y, d.corners) > 40);
    expect(meanDiff(after, before, far)).toBeLessThan(2);
  });
});
