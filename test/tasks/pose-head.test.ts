// The pose family's worker side, without a worker: hand-made YOLOv8-pose outputs through
// head.postprocess, for both kernel implementations. Keypoints follow their detection through NMS,
// go back through the letterbox, are clamped to the image, and impossible keypoints are OUTPUT_INVALID.
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type KernelKind, type Kernels, loadKernels } from '../../src/kernels/index.js';
import { manifestSchema } from '../../src/rocket/manifest.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { COCO_KEYPOINTS } from '../../src/tasks/pose/coco.js';
import { createHead } from '../../src/tasks/pose/head.js';
import { type PoseDetection, poseDetection } from '../../src/tasks/pose/schema.js';
import { letterbox, toOriginal } from '../helpers/detectors.js';
import { thrown } from '../helpers/errors.js';
import { keypointLine, type PoseAnchor, poseOutputs } from '../helpers/pose-models.js';
import { imageSpec, jobFor, namesMetadata, signature } from './helpers.js';

const KINDS: KernelKind[] = ['reference', 'native'];
const INPUT = { width: 320, height: 320 };
const TOTAL = 100;
// 640×480 → 320×240 letterboxed into 320×320: scale 0.5, 40 px of padding on top.
const ORIGINAL = { width: 640, height: 480 };
const MAPPING = letterbox(ORIGINAL, INPUT);

/** A zero-config YOLO11-pose rocket at 320: metadata task pose, kpt_shape [17, 3], one class. */
const cocoSpec = () =>
  imageSpec(
    signature([['images', [1, 3, 320, 320]]], [['output0', [1, 56, TOTAL]]], {
      task: 'pose',
      kpt_shape: '[17, 3]',
      names: namesMetadata(['person']),
    }),
  );

const A: PoseAnchor = {
  box: [100, 120, 80, 160],
  scores: [0.9],
  // Visibility j / 16; keypoint 15 lies outside the canvas, left of and below it.
  keypoints: keypointLine(17, [70, 50], [4, 12], (j) => j / 16).map((k, j) =>
    j === 15 ? [-20, 340, 0.1] : k,
  ),
};
// A's duplicate (IoU ≈ 0.95, lower score): suppressed, so its keypoints must not show.
const B: PoseAnchor = {
  box: [102, 121, 80, 160],
  scores: [0.8],
  keypoints: keypointLine(17, [1, 1], [0, 0], () => 0.5),
};
const C: PoseAnchor = {
  box: [220, 150, 60, 100],
  scores: [0.6],
  keypoints: keypointLine(17, [200, 110], [3, 5], () => 0.95),
};
// Below the 0.25 threshold, with keypoints no model could give: never checked.
const JUNK: PoseAnchor = {
  box: [50, 50, 10, 10],
  scores: [0.1],
  keypoints: keypointLine(17, [Number.NaN, 1e9], [0, 0], () => 7),
};

/** What an anchor's keypoints must be in the image: through the letterbox, clamped, rounded. */
function expectedKeypoints(anchor: PoseAnchor, names: readonly string[]) {
  return anchor.keypoints.map(([x, y, v], j) => {
    const p = toOriginal(MAPPING, x as number, y as number);
    const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
    return {
      name: names[j],
      x: expect.closeTo(clamp(p.x, ORIGINAL.width), 1),
      y: expect.closeTo(clamp(p.y, ORIGINAL.height), 1),
      score: expect.closeTo(v ?? 1, 4),
    };
  });
}

/** The OUTPUT_INVALID message of a postprocess. */
function invalidMessage(spec: ImageRocketSpec, kernels: Kernels, anchors: PoseAnchor[]) {
  const err = thrown(() =>
    createHead(spec, kernels).postprocess(poseOutputs(anchors, TOTAL), jobFor(spec, ORIGINAL)),
  );
  expect(err.code).toBe('OUTPUT_INVALID');
  expect(err.message).toContain(`Rocket ${spec.name}: output output0 read as yolov8-pose`);
  expect(err.message).toContain('keypoints.shape');
  return err.message;
}

describe.each(KINDS)('pose head with %s kernels', (kind) => {
  let kernels: Kernels;
  beforeAll(() => {
    kernels = loadKernels(kind);
  });

  it('gives each kept detection its own keypoints, named, mapped back through the letterbox and clamped', () => {
    const spec = cocoSpec();
    const job = jobFor(spec, ORIGINAL);
    expect(job.placement).toMatchObject({ offsetX: 0, offsetY: 40, scaleX: 0.5, scaleY: 0.5 });
    const { detections } = createHead(spec, kernels).postprocess(
      poseOutputs([C, JUNK, B, A], TOTAL),
      job,
    ) as {
      detections: PoseDetection[];
    };
    expect(detections.map((d) => [d.label, d.confidence])).toEqual([
      ['person', 0.9],
      ['person', 0.6],
    ]);
    expect(detections[0]?.keypoints).toEqual(expectedKeypoints(A, COCO_KEYPOINTS));
    expect(detections[1]?.keypoints).toEqual(expectedKeypoints(C, COCO_KEYPOINTS));
    // Keypoint 15 (left ankle) of A: (−20, 340) in the input is (−40, 600), outside the 640×480 photo.
    expect(detections[0]?.keypoints[15]).toEqual({ name: 'left_ankle', x: 0, y: 480, score: 0.1 });
    expect(detections[0]?.box).toEqual({ x1: 120, y1: 0, x2: 280, y2: 320 });
    expect(() => z.array(poseDetection).parse(detections)).not.toThrow();
  });

  it('reads [K, 2] keypoints (no visibility) with the manifest names, scoring each 1', () => {
    const spec = imageSpec(signature([['images', [1, 3, 320, 320]]], [['output0', [1, 13, TOTAL]]]), {
      manifest: manifestSchema.parse({
        model: 'm.onnx',
        task: 'pose',
        keypoints: { shape: [4, 2], names: ['head', 'hand', 'knee', 'foot'] },
      }),
    });
    const anchor: PoseAnchor = {
      box: [160, 160, 100, 100],
      scores: [0.7],
      keypoints: keypointLine(4, [150, 120], [5, 20]),
    };
    const { detections } = createHead(spec, kernels).postprocess(
      poseOutputs([anchor], TOTAL),
      jobFor(spec, ORIGINAL),
    ) as { detections: PoseDetection[] };
    expect(detections).toHaveLength(1);
    expect(detections[0]?.keypoints).toEqual(expectedKeypoints(anchor, ['head', 'hand', 'knee', 'foot']));
    expect(detections[0]?.keypoints.map((k) => k.score)).toEqual([1, 1, 1, 1]);
  });

  it.each<[string, number[], RegExp]>([
    ['a visibility of 3', [100, 100, 3], /keypoint visibility of 3,/],
    ['a negative visibility', [100, 100, -0.5], /keypoint visibility of -0.5,/],
    ['a NaN visibility', [100, 100, Number.NaN], /keypoint visibility of NaN/],
    ['a NaN coordinate', [Number.NaN, 100, 0.5], /keypoint coordinate of NaN/],
    ['an infinite coordinate', [100, Number.POSITIVE_INFINITY, 0.5], /keypoint coordinate of Infinity/],
    ['a keypoint 5 canvases left', [-1600, 100, 0.5], /keypoint coordinate of -1600 for a 320×320 canvas/],
    ['a huge coordinate', [100, 1e6, 0.5], /keypoint coordinate of 1000000 for a 320×320 canvas/],
  ])('OUTPUT_INVALID for %s', (_what, keypoint, message) => {
    const bad: PoseAnchor = { ...C, keypoints: C.keypoints.map((k, j) => (j === 9 ? keypoint : k)) };
    expect(invalidMessage(cocoSpec(), kernels, [A, bad])).toMatch(message);
  });
});
