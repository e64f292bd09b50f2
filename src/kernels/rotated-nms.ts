/**
 * Reference {@link Kernels.nmsRotated}: greedy NMS of oriented boxes (cx, cy, w, h, angle in
 * radians) with the probabilistic IoU of Ultralytics' `batch_probiou` (ultralytics/utils/metrics.py,
 * after Llerena et al., "Gaussian Bounding Boxes and Probabilistic Intersection-over-Union", 2021).
 * Mirrored by native/src/rotated_nms.cc.
 *
 * How it relates to Ultralytics' `nms_rotated` (`TorchNMS.fast_nms` with `batch_probiou`, used by
 * their OBB predictor):
 * - The overlap is the same formula, in float64 here (float32 there).
 * - Suppression is greedy, as in {@link Kernels.nms}: only a kept box suppresses. Ultralytics uses
 *   Fast-NMS (one matrix of every pair), where a box already suppressed still suppresses the boxes
 *   after it, so it may drop a box that greedy NMS keeps; it never keeps one that greedy NMS drops.
 * - A box is suppressed when its overlap is strictly above the threshold (Ultralytics: ≥), like
 *   {@link Kernels.nms} and torchvision's NMS. The two differ only on an exact tie.
 * - Class-aware NMS compares boxes of the same class only; Ultralytics shifts each class's centres by
 *   class × 7680 px instead, which puts other classes' overlap at 0 for any box smaller than that.
 * - Ties in score keep the lower index first (Ultralytics' argsort leaves their order unspecified).
 */
import { nmsInputs, suppress } from './nms.js';
import type { Kernels } from './types.js';

const EPS = 1e-7;

/**
 * The Gaussian of each box, 3 float64 per box: the covariance A (xx), B (yy), C (xy) of a w × h
 * box rotated by its angle (a = w²/12, b = h²/12; A = a cos² + b sin², B = a sin² + b cos²,
 * C = (a − b) cos sin).
 */
export function covariances(boxes: Float32Array, n: number): Float64Array {
  const cov = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const [w, h, angle] = [boxes[5 * i + 2], boxes[5 * i + 3], boxes[5 * i + 4]];
    const a = (w * w) / 12;
    const b = (h * h) / 12;
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    cov[3 * i] = a * c * c + b * s * s;
    cov[3 * i + 1] = a * s * s + b * c * c;
    cov[3 * i + 2] = (a - b) * c * s;
  }
  return cov;
}

/**
 * The probabilistic IoU of boxes i and j (1 − the Hellinger distance of their Gaussians), in
 * float64, term by term as Ultralytics computes it (eps = 1e-7): with A, B, C the sums of the two
 * covariances, t1 = (A dy² + B dx²) / (AB − C² + eps) / 4, t2 = C (xj − xi)(yi − yj) / (AB − C² + eps) / 2,
 * t3 = ln((AB − C²) / (4 √(max(det i, 0) · max(det j, 0)) + eps) + eps) / 2, bd = clamp(t1 + t2 + t3,
 * eps, 100), result 1 − √(1 − e^−bd + eps). For equal Gaussians (a square at any angle included)
 * that is 1 − √2e-7 ≈ 0.99955, for far boxes −5e-8 (a hair below 0); NaN in, NaN out.
 */
export function probiou(boxes: Float32Array, cov: Float64Array, i: number, j: number): number {
  const [xi, yi, xj, yj] = [boxes[5 * i], boxes[5 * i + 1], boxes[5 * j], boxes[5 * j + 1]];
  const [ai, bi, ci] = [cov[3 * i], cov[3 * i + 1], cov[3 * i + 2]];
  const [aj, bj, cj] = [cov[3 * j], cov[3 * j + 1], cov[3 * j + 2]];
  const [a, b, c] = [ai + aj, bi + bj, ci + cj];
  const [dx, dy] = [xi - xj, yi - yj];
  const det = a * b - c * c;
  const t1 = ((a * dy * dy + b * dx * dx) / (det + EPS)) * 0.25;
  const t2 = ((c * (xj - xi) * dy) / (det + EPS)) * 0.5;
  const detI = ai * bi - ci * ci;
  const detJ = aj * bj - cj * cj;
  const spread = Math.sqrt((detI > 0 ? detI : 0) * (detJ > 0 ? detJ : 0));
  const t3 = Math.log(det / (4 * spread + EPS) + EPS) * 0.5;
  const t = t1 + t2 + t3;
  // Comparisons, not Math.min/max, so that NaN passes through as in the C++ twin.
  const bd = t < EPS ? EPS : t > 100 ? 100 : t;
  return 1 - Math.sqrt(1 - Math.exp(-bd) + EPS);
}

/** Reference {@link Kernels.nmsRotated}: greedy {@link suppress} with {@link probiou}. */
export const nmsRotated: Kernels['nmsRotated'] = (boxes, scores, classes, options, outIndices) => {
  const inputs = nmsInputs(boxes, scores, classes, options, outIndices, 5);
  const cov = covariances(inputs.boxes, inputs.count);
  return suppress(inputs, (i, j) => probiou(inputs.boxes, cov, i, j));
};
