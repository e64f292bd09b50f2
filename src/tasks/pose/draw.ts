/**
 * The pose family's `format=image`: the photo with the detect family's boxes and labels, and each
 * detection's skeleton over them.
 */
import { annotateImage, colourOf, detectionsSvg, overlaySvg, strokeSizes } from '../detect/draw.js';
import type { Detection } from '../detect/schema.js';
import type { PoseDetection } from './schema.js';

/** Keypoints scored below this are not drawn, nor their limbs (as Ultralytics draws poses). */
const DRAWN_SCORE = 0.5;

/** A limb as a pair of 0-based keypoint indices. */
export type Limb = readonly [number, number];

/**
 * SVG shapes of each detection's skeleton: a line per limb whose two keypoints are both drawn, then
 * a dot per keypoint scored at least 0.5. Limbs and keypoints are coloured by their index, so a
 * limb has the same colour on every person.
 */
export function skeletonShapes(
  detections: readonly PoseDetection[],
  skeleton: readonly Limb[],
  line: number,
): string {
  const parts: string[] = [];
  for (const d of detections) {
    const drawn = d.keypoints.map((k) => k.score >= DRAWN_SCORE);
    skeleton.forEach(([a, b], limb) => {
      const [p, q] = [d.keypoints[a], d.keypoints[b]];
      if (!p || !q || !drawn[a] || !drawn[b]) return;
      parts.push(
        `<line x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="${colourOf(limb)}" stroke-width="${line}" stroke-linecap="round"/>`,
      );
    });
    d.keypoints.forEach((k, j) => {
      if (!drawn[j]) return;
      parts.push(
        `<circle cx="${k.x}" cy="${k.y}" r="${line * 1.5}" fill="${colourOf(j)}" stroke="#fff" stroke-width="${line / 2}"/>`,
      );
    });
  }
  return parts.join('');
}

/** The boxes and labels of pose detections, drawn as detect draws them (without its landmark dots). */
const boxesOnly = (detections: readonly PoseDetection[]): Detection[] =>
  detections.map(({ keypoints: _keypoints, ...box }) => box);

/** The uploaded image as a JPEG with each pose detection's box, label and skeleton drawn on it. */
export function annotatePoses(
  bytes: Uint8Array,
  detections: readonly PoseDetection[],
  skeleton: readonly Limb[],
  maxPixels: number,
): Promise<Buffer> {
  return annotateImage(bytes, maxPixels, (width, height) => {
    const sizes = strokeSizes(width, height);
    const boxes = detectionsSvg(width, height, boxesOnly(detections));
    return overlaySvg(width, height, sizes, boxes + skeletonShapes(detections, skeleton, sizes.line));
  });
}
