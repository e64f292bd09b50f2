/**
 * Models rocketserve recognises but does not serve yet. Each gets ROCKET_UNSUPPORTED naming its
 * task, never an answer read as another task's (a pose head read as a detector gives confidences
 * of 685).
 */

import type { ModelSignature } from '../rocket/infer.js';
import { parseUltralyticsNames } from '../rocket/labels.js';
import { isNhwc, onlyOutput, rank, tensorOutputs } from './signature.js';

interface UnservedRule {
  task: string;
  /** Why the model is this task, or undefined. */
  recognise(signature: ModelSignature): string | undefined;
}

const ULTRALYTICS_TASKS: Record<string, string> = {
  segment: 'instance segmentation',
  pose: 'pose estimation (keypoints)',
  obb: 'oriented bounding boxes',
};

const RULES: UnservedRule[] = [
  ...Object.entries(ULTRALYTICS_TASKS).map(
    ([task, what]): UnservedRule => ({
      task: what,
      recognise: (s) => (s.metadata.task === task ? `its metadata says task: ${task}` : undefined),
    }),
  ),
  {
    task: 'instance segmentation',
    recognise(s) {
      const [boxes, protos] = tensorOutputs(s);
      return tensorOutputs(s).length === 2 && rank(boxes) === 3 && rank(protos) === 4
        ? `its outputs ${boxes?.name} [${boxes?.dims}] and ${protos?.name} [${protos?.dims}] are boxes with mask coefficients and mask prototypes`
        : undefined;
    },
  },
  {
    task: 'pose estimation (keypoints)',
    recognise(s) {
      const head = onlyOutput(s);
      const classes = parseUltralyticsNames(s.metadata.names)?.length ?? 0;
      const [, rows, anchors] = head?.dims ?? [];
      // A YOLOv8-style head (fewer rows than anchors) with 3 values per keypoint after the classes.
      if (rank(head) !== 3 || classes === 0) return undefined;
      if (typeof rows !== 'number' || (typeof anchors === 'number' && rows >= anchors)) return undefined;
      const rest = rows - 4 - classes;
      return rest > 0 && rest % 3 === 0
        ? `output ${head?.name} [${head?.dims}] holds 4 box rows, ${classes} class row(s) and ${rest} keypoint values`
        : undefined;
    },
  },
  {
    task: 'semantic segmentation',
    recognise(s) {
      const only = onlyOutput(s);
      if (rank(only) !== 4 || rank(s.inputs[0]) !== 4) return undefined;
      const nhwc = isNhwc(s.inputs[0]);
      const channels = nhwc ? only?.dims[3] : only?.dims[1];
      const [h, w] = nhwc ? [only?.dims[1], only?.dims[2]] : [only?.dims[2], only?.dims[3]];
      // A 1×1 map is a classifier's row of scores, not a segmentation.
      return typeof channels === 'number' && channels > 3 && !(h === 1 && w === 1)
        ? `its output ${only?.name} [${only?.dims}] holds ${channels} class scores per pixel`
        : undefined;
    },
  },
];

/** The task a model is, when it is one rocketserve does not serve yet. */
export function unservedTask(signature: ModelSignature): { task: string; reason: string } | undefined {
  for (const rule of RULES) {
    const reason = rule.recognise(signature);
    if (reason) return { task: rule.task, reason };
  }
  return undefined;
}
