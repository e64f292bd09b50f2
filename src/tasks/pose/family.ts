import { z } from 'zod';
import type { ImageRocketSpec } from '../../rocket/types.js';
import {
  checkOnlyFormat,
  DETECTOR_PREPROCESS,
  detectionsPlayground,
  photoRenderer,
} from '../detect/family.js';
import { rank } from '../signature.js';
import type { ImageFamily } from '../types.js';
import { annotatePoses } from './draw.js';
import { configurePose, POSE_FORMAT, type PoseHead, recognisePose } from './layout.js';
import { poseManifestFields } from './manifest.js';
import { type PoseDetection, poseDetection } from './schema.js';

/** Pose estimation: person (or other) detections, each with its named, scored keypoints. */
export const pose: ImageFamily = {
  task: 'pose',
  input: 'image',
  fallbackSize: 640,
  summary: 'pose estimation: detections with named keypoints (YOLOv8-pose, YOLO11-pose)',
  outputFormats: [POSE_FORMAT],
  manifestFields: poseManifestFields,
  resultFields: { detections: z.array(poseDetection) },
  playground: detectionsPlayground(100),
  renderers: {
    image: photoRenderer<PoseDetection>((upload, detections, maxPixels, spec) =>
      annotatePoses(
        upload,
        detections,
        (spec as ImageRocketSpec<PoseHead>).head.keypoints.skeleton,
        maxPixels,
      ),
    ),
  },
  defaultsToImage: false,

  recognise(signature) {
    return rank(signature.inputs[0]) === 4 ? recognisePose(signature) : undefined;
  },

  configure(ctx) {
    checkOnlyFormat(ctx, 'pose', POSE_FORMAT);
    const { head, outputName, reason, labels } = configurePose(ctx);
    return {
      preprocess: DETECTOR_PREPROCESS,
      confidence: 0.25,
      outputNames: [outputName],
      outputFormat: POSE_FORMAT,
      head,
      reason,
      summary: `[1, 4 + C + K × ${head.keypoints.values}, N]: cx, cy, w, h, C class scores, then K keypoints of x, y${head.keypoints.values === 3 ? ', visibility' : ''} per anchor`,
      ...(labels ? { labels } : {}),
    };
  },

  playgroundOf(spec: ImageRocketSpec) {
    const { names, skeleton } = (spec as ImageRocketSpec<PoseHead>).head.keypoints;
    return { keypointNames: names, skeleton };
  },
};
