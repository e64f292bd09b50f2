/**
 * What obb adds to the detection head (src/tasks/detect/postprocess.ts): the angle of each
 * candidate (its one extra value) is checked, suppression is rotated NMS (probiou), and each kept
 * detection's box becomes an oriented box with its corners in image pixels.
 */
import type { Candidates, Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import { type DetectionExtension, round } from '../detect/postprocess.js';
import { outputInvalid, shownValue } from '../validate.js';
import { type Point, toOriginal } from './geometry.js';
import type { ObbDetection } from './schema.js';

/** An Ultralytics head's angles lie in [−π/4, 3π/4); beyond ±2π they are no angle in radians. */
const MAX_ANGLE = 2 * Math.PI;

/** The largest angle reported once rounded to 4 decimals: the range is [0, π/2). */
const LAST_ANGLE = 1.5707;

/** What an OUTPUT_INVALID of an obb rocket suggests. */
const OBB_FIX =
  'Task obb reads one layout, [1, 4 + classes + 1, anchors] with the angle in radians last; ' +
  'for a model of another task, set its task in rocket.json';

/** The rotated-box extension of one worker; its packed boxes buffer is reused across images. */
export function rotatedBoxes(spec: ImageRocketSpec, kernels: Kernels): DetectionExtension {
  let packed = new Float32Array(0);
  return {
    fix: OBB_FIX,
    check(c, count) {
      const angles = anglesOf(c);
      for (let i = 0; i < count; i++) {
        const angle = angles[i];
        if (!(Math.abs(angle) <= MAX_ANGLE))
          throw outputInvalid(spec, `an angle of ${shownValue(angle)} rad`, OBB_FIX);
        const { w, h } = centreAndSize(c.boxes, i);
        if (w < 0 || h < 0)
          throw outputInvalid(spec, `a box of negative size ${shownValue(w)} × ${shownValue(h)}`, OBB_FIX);
      }
    },
    suppress(c, count, t, kept) {
      if (packed.length < 5 * count) packed = new Float32Array(5 * c.scores.length);
      const angles = anglesOf(c);
      for (let i = 0; i < count; i++) {
        const { cx, cy, w, h } = centreAndSize(c.boxes, i);
        packed[5 * i] = cx;
        packed[5 * i + 1] = cy;
        packed[5 * i + 2] = w;
        packed[5 * i + 3] = h;
        packed[5 * i + 4] = angles[i];
      }
      const options = {
        count,
        iouThreshold: t.iou,
        maxDetections: t.maxDetections,
        classAware: t.classAware,
      };
      return kernels.nmsRotated(packed, c.scores, c.classes, options, kept);
    },
    finish(detection, i, c, _outputs, job): ObbDetection {
      const angle = anglesOf(c)[i];
      const { box, corners } = toOriginal({ ...centreAndSize(c.boxes, i), angle }, job.placement);
      return {
        label: detection.label,
        class: detection.class,
        confidence: detection.confidence,
        box: {
          cx: round(box.cx, 1),
          cy: round(box.cy, 1),
          w: round(box.w, 1),
          h: round(box.h, 1),
          angle: Math.min(round(box.angle, 4), LAST_ANGLE),
        },
        corners: corners.map(([x, y]): Point => [round(x, 1), round(y, 1)]),
      };
    },
  };
}

/** Candidate i's centre and size, from its xyxy box (the decoder writes cx ± w / 2, cy ± h / 2). */
function centreAndSize(boxes: Float32Array, i: number) {
  const x1 = boxes[4 * i];
  const y1 = boxes[4 * i + 1];
  const x2 = boxes[4 * i + 2];
  const y2 = boxes[4 * i + 3];
  return { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, w: x2 - x1, h: y2 - y1 };
}

/** The candidates' angles: the decoder copies one extra value per candidate. */
function anglesOf(c: Candidates): Float32Array {
  if (!c.extras) throw new Error('obb: the decoder wrote no angles (numExtras must be 1)');
  return c.extras;
}
