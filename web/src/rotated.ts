/**
 * Oriented boxes (obb rockets), which the page outlines through their 4 corners: which detections
 * have one, the corner their label goes on, and how much two overlap (for the IoU slider).
 */
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

/** A box's Gaussian: the covariance [xx, yy, xy] of a uniform w × h box turned by its angle. */
function covarianceOf({ w, h, angle }: OrientedBox): [number, number, number] {
  const [a, b] = [(w * w) / 12, (h * h) / 12];
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  return [a * cos * cos + b * sin * sin, a * sin * sin + b * cos * cos, (a - b) * cos * sin];
}

/** Ultralytics' guard against dividing by zero and taking the log of zero. */
const EPS = 1e-7;

/**
 * The probabilistic IoU of two oriented boxes, the overlap the server's rotated NMS suppresses by
 * (src/kernels/rotated-nms.ts; Llerena et al., 2021): 1 − the Hellinger distance of the boxes'
 * Gaussians, from their Bhattacharyya distance, clamped to [1e-7, 100] with Ultralytics' guards.
 */
export function probIou(p: OrientedBox, q: OrientedBox): number {
  const [pxx, pyy, pxy] = covarianceOf(p);
  const [qxx, qyy, qxy] = covarianceOf(q);
  const [xx, yy, xy] = [pxx + qxx, pyy + qyy, pxy + qxy];
  const det = xx * yy - xy * xy;
  const [dx, dy] = [p.cx - q.cx, p.cy - q.cy];
  // The centres' distance through the summed covariance, and how much the spreads differ.
  const apart = (xx * dy * dy + yy * dx * dx - 2 * xy * dx * dy) / (det + EPS) / 4;
  const spreads = Math.sqrt(Math.max(pxx * pyy - pxy * pxy, 0) * Math.max(qxx * qyy - qxy * qxy, 0));
  const unlike = Math.log(det / (4 * spreads + EPS) + EPS) / 2;
  const bhattacharyya = Math.min(Math.max(apart + unlike, EPS), 100);
  return 1 - Math.sqrt(1 - Math.exp(-bhattacharyya) + EPS);
}
