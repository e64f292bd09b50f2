/**
 * Client-side filtering of /process results, so the sliders re-filter without another upload:
 * the page asks the server for low thresholds once, then applies the user's confidence and IoU
 * here, the way the server does (confidence filter, then greedy class-aware NMS, highest first;
 * oriented boxes compared by the server's probabilistic IoU).
 */

// The shapes /process returns are the server's own types (type-only import: nothing is bundled).
import type { Prediction } from '../../src/tasks/classify/schema.js';
import type { Box, Detection as BoxDetection, Keypoint } from '../../src/tasks/detect/schema.js';
import type { ObbDetection } from '../../src/tasks/obb/schema.js';
import type { SegmentDetection } from '../../src/tasks/segment/schema.js';
import { isOriented, probIou } from './rotated.js';

export type { Box, Keypoint, Prediction };

/** A point `[x, y]` in original-image pixels. */
export type Point = [number, number];

/** A detection with an axis-aligned box: detect's or pose's, or segment's with its mask's area and outlines. */
export type Detection = BoxDetection & Partial<Pick<SegmentDetection, 'area' | 'polygons'>>;

/** An obb detection: an oriented box (centre, size, angle in radians) and its 4 corners. */
export type OrientedDetection = ObbDetection;

/** What the detection families (detect, segment, pose, obb) return per object. */
export type AnyDetection = Detection | OrientedDetection;

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
export function filterDetections<D extends AnyDetection>(detections: readonly D[], f: DetectionFilter): D[] {
  const { maxDetections = 300, classAware = true } = f;
  const sorted = detections
    .filter((d) => d.confidence >= f.confidence)
    .sort((a, b) => b.confidence - a.confidence);
  const kept: D[] = [];
  for (const d of sorted) {
    if (kept.length >= maxDetections) break;
    const overlaps = kept.some((k) => (!classAware || k.class === d.class) && overlap(k, d) > f.iou);
    if (!overlaps) kept.push(d);
  }
  return kept;
}

/**
 * How much two detections overlap, as the server measures it: the IoU of axis-aligned boxes, and
 * for oriented boxes (obb) the probabilistic IoU of the server's rotated NMS. A rocket's
 * detections are all of one kind; two of different kinds do not overlap.
 */
function overlap(a: AnyDetection, b: AnyDetection): number {
  if (isOriented(a) && isOriented(b)) return probIou(a.box, b.box);
  return isOriented(a) || isOriented(b) ? 0 : iou(a.box, b.box);
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
