/**
 * Client-side filtering of /process results, so the sliders re-filter without another upload:
 * the page asks the server for low thresholds once, then applies the user's confidence and IoU
 * here, the way the server does (confidence filter, then greedy class-aware NMS, highest first).
 */

// The shapes /process returns are the server's own types (type-only import: nothing is bundled).
import type { Prediction } from '../../src/tasks/classify/schema.js';
import type { Box, Detection } from '../../src/tasks/detect/schema.js';

export type { Box, Detection, Prediction };

const extent = (lo: number, hi: number) => (hi > lo ? hi - lo : 0);

/** Intersection over union of two boxes; 0 when the union is empty. */
export function iou(a: Box, b: Box): number {
  const inter =
    extent(Math.max(a.x1, b.x1), Math.min(a.x2, b.x2)) * extent(Math.max(a.y1, b.y1), Math.min(a.y2, b.y2));
  const union = extent(a.x1, a.x2) * extent(a.y1, a.y2) + extent(b.x1, b.x2) * extent(b.y1, b.y2) - inter;
  return union > 0 ? inter / union : 0;
}

/** Options of {@link filterDetections}. */
export interface DetectionFilter {
  confidence: number;
  iou: number;
  maxDetections?: number;
  /** Suppress only boxes of the same class (the server's default). */
  classAware?: boolean;
}

/**
 * Detections at or above `confidence`, then greedy NMS: a box is dropped when its IoU with a kept,
 * higher-scoring box (of the same class, when class-aware) is above `iou`. Highest first.
 */
export function filterDetections(detections: readonly Detection[], f: DetectionFilter): Detection[] {
  const { maxDetections = 300, classAware = true } = f;
  const sorted = detections
    .filter((d) => d.confidence >= f.confidence)
    .sort((a, b) => b.confidence - a.confidence);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.length >= maxDetections) break;
    const overlaps = kept.some((k) => (!classAware || k.class === d.class) && iou(k.box, d.box) > f.iou);
    if (!overlaps) kept.push(d);
  }
  return kept;
}

/** The top `topk` predictions at or above `confidence`; the top-1 is always kept, as on the server. */
export function topPredictions(
  predictions: readonly Prediction[],
  topk: number,
  confidence: number,
): Prediction[] {
  const sorted = [...predictions].sort((a, b) => b.confidence - a.confidence);
  return sorted.filter((p, i) => i === 0 || p.confidence >= confidence).slice(0, Math.max(1, topk));
}
