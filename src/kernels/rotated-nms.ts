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
import { boxCovariance, probiou } from './probiou.js';
import type { Kernels } from './types.js';

/** The covariance of each box (boxCovariance), 3 float64 per box. */
function covariances(boxes: Float32Array, n: number): Float64Array {
  const cov = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    cov.set(
      boxCovariance(boxes[5 * i + 2] as number, boxes[5 * i + 3] as number, boxes[5 * i + 4] as number),
      3 * i,
    );
  }
  return cov;
}

/** The {@link probiou} of boxes i and j of a packed list, from their covariances. */
function probiouOf(boxes: Float32Array, cov: Float64Array, i: number, j: number): number {
  const at = (k: number, f: number) => cov[3 * k + f] as number;
  return probiou(
    boxes[5 * i] as number,
    boxes[5 * i + 1] as number,
    at(i, 0),
    at(i, 1),
    at(i, 2),
    boxes[5 * j] as number,
    boxes[5 * j + 1] as number,
    at(j, 0),
    at(j, 1),
    at(j, 2),
  );
}

/** Reference {@link Kernels.nmsRotated}: greedy {@link suppress} with {@link probiou}. */
export const nmsRotated: Kernels['nmsRotated'] = (boxes, scores, classes, options, outIndices) => {
  const inputs = nmsInputs(boxes, scores, classes, options, outIndices, 5);
  const cov = covariances(inputs.boxes, inputs.count);
  return suppress(inputs, (i, j) => probiouOf(inputs.boxes, cov, i, j));
};
