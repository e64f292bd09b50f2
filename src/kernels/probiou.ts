/**
 * The probabilistic IoU of two oriented boxes (Llerena et al., "Gaussian Bounding Boxes and
 * Probabilistic Intersection-over-Union", 2021; Ultralytics' `batch_probiou`): what the rotated NMS
 * suppresses by (rotated-nms.ts, native/src/rotated_nms.cc) and what the playground's IoU slider
 * filters obb detections by (web/src/rotated.ts). No imports, so the page bundles it as it is.
 */

/** Ultralytics' guard against dividing by zero and taking the log of zero. */
const EPS = 1e-7;

/**
 * The Gaussian of a w × h box turned by `angle` (radians): its covariance [A (xx), B (yy), C (xy)]
 * with a = w²/12, b = h²/12: A = a cos² + b sin², B = a sin² + b cos², C = (a − b) cos sin.
 */
export function boxCovariance(w: number, h: number, angle: number): [number, number, number] {
  const a = (w * w) / 12;
  const b = (h * h) / 12;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [a * c * c + b * s * s, a * s * s + b * c * c, (a - b) * c * s];
}

/**
 * The probabilistic IoU of box i (centre xi, yi; covariance ai, bi, ci) and box j: 1 − the
 * Hellinger distance of their Gaussians, in float64, term by term as Ultralytics computes it. With
 * A, B, C the sums of the two covariances, t1 = (A dy² + B dx²) / (AB − C² + eps) / 4,
 * t2 = C (xj − xi)(yi − yj) / (AB − C² + eps) / 2, t3 = ln((AB − C²) / (4 √(max(det i, 0) ·
 * max(det j, 0)) + eps) + eps) / 2, bd = clamp(t1 + t2 + t3, eps, 100), result 1 − √(1 − e^−bd + eps).
 * For equal Gaussians (a square at any angle included) that is 1 − √2e-7 ≈ 0.99955, for far boxes
 * −5e-8 (a hair below 0); NaN in, NaN out.
 */
export function probiou(
  xi: number,
  yi: number,
  ai: number,
  bi: number,
  ci: number,
  xj: number,
  yj: number,
  aj: number,
  bj: number,
  cj: number,
): number {
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
