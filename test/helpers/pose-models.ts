/**
 * Pose heads made in code: a YOLOv8-pose output `[1, 4 + C + K × D, N]` holding chosen anchors
 * (the rest zero, below any threshold), as hand-made outputs for the head and as constant ONNX
 * models for the server, so the right keypoints are known by construction.
 */
import type { OutputView } from '../../src/tasks/types.js';
import { buildConstantOutputs, type Size } from './detectors.js';

/** One anchor of a pose head, in model-input pixels. */
export interface PoseAnchor {
  /** cx, cy, w, h. */
  box: [number, number, number, number];
  /** One score per class. */
  scores: number[];
  /** K keypoints, each [x, y, visibility] or [x, y]. */
  keypoints: number[][];
}

/** The head's values, row-major `[4 + C + K × D, total]`: anchor i is column i. */
export function poseHeadValues(anchors: readonly PoseAnchor[], total: number): Float32Array {
  const first = anchors[0];
  if (!first) throw new Error('a pose head needs at least one anchor');
  const rows = 4 + first.scores.length + first.keypoints.flat().length;
  const values = new Float32Array(rows * total);
  anchors.forEach((a, i) => {
    [...a.box, ...a.scores, ...a.keypoints.flat()].forEach((v, r) => {
      values[r * total + i] = v;
    });
  });
  return values;
}

/** The head's row count for these anchors. */
const rowsOf = (anchors: readonly PoseAnchor[], total: number) =>
  poseHeadValues(anchors, total).length / total;

/** Hand-made outputs `{ output0 }` for a head's postprocess. */
export function poseOutputs(anchors: readonly PoseAnchor[], total: number): Record<string, OutputView> {
  return { output0: { data: poseHeadValues(anchors, total), dims: [1, rowsOf(anchors, total), total] } };
}

/**
 * A model whose `output0` is this pose head (input `images` [1, 3, height, width]). `gated`: the
 * warm-up sees zeros (see buildConstantOutputs), so a model with impossible values still loads.
 */
export function buildPoseModel(
  input: Size,
  anchors: readonly PoseAnchor[],
  total: number,
  metadata: Record<string, string> = {},
  gated = false,
): Uint8Array {
  return buildConstantOutputs({
    input,
    outputs: [
      { name: 'output0', dims: [1, rowsOf(anchors, total), total], values: poseHeadValues(anchors, total) },
    ],
    metadata,
    gated,
  });
}

/** K keypoints on a line: keypoint j at (x + j·dx, y + j·dy), with visibility `score(j)`, or none. */
export function keypointLine(
  k: number,
  [x, y]: [number, number],
  [dx, dy]: [number, number],
  score?: (j: number) => number,
): number[][] {
  return Array.from({ length: k }, (_, j) =>
    score ? [x + dx * j, y + dy * j, score(j)] : [x + dx * j, y + dy * j],
  );
}
