/**
 * Oriented boxes (obb rockets), which the page outlines through their 4 corners: which detections
 * have one, the corner their label goes on, and how much two overlap (for the IoU slider).
 */
import { boxCovariance, probiou } from '../../src/kernels/probiou.js';
import type { AnyDetection, OrientedDetection, Point } from './filter.js';

type OrientedBox = OrientedDetection['box'];

/** True for an obb detection, whose box is oriented and comes with its corners. */
export function isOriented(d: AnyDetection): d is OrientedDetection {
  return 'corners' in d && Array.isArray(d.corners);
}

/** The corner nearest the top of the image (the leftmost of a tie): where the label goes. */
export function topCorner(corners: readonly Point[]): Point {
  return corners.reduce((best, c) => (c[1] < best[1] || (c[1] === best[1] && c[0] < best[0]) ? c : best));
}

/**
 * The probabilistic IoU of two oriented boxes, the overlap the server's rotated NMS suppresses by:
 * the same function (src/kernels/probiou.ts).
 */
export function probIou(p: OrientedBox, q: OrientedBox): number {
  return probiou(
    p.cx,
    p.cy,
    ...boxCovariance(p.w, p.h, p.angle),
    q.cx,
    q.cy,
    ...boxCovariance(q.w, q.h, q.angle),
  );
}
