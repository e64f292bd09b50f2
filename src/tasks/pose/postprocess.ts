/**
 * Pose's part of the detection postprocessing: the keypoints in each candidate's extras (K × D
 * values after the class scores) are checked, then mapped through the letterbox for each kept
 * detection.
 */
import type { Job } from '../../inference/messages.js';
import type { Candidates } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import { type DetectionExtension, round } from '../detect/postprocess.js';
import type { Detection } from '../detect/schema.js';
import { outputInvalid, shownValue } from '../validate.js';
import type { PoseHead } from './layout.js';
import type { PoseKeypoint } from './schema.js';

/**
 * How many canvas sizes a keypoint may lie outside the canvas before it cannot be right. A person
 * cut by the edge has keypoints predicted beyond it (an ankle below the photo), never several
 * canvas sizes away.
 */
const OVERSHOOT = 4;

/** What an OUTPUT_INVALID of the keypoints suggests. */
const FIX =
  'Task pose reads [1, 4 + classes + K × 3 (or × 2), anchors]: check keypoints.shape in rocket.json ([K, 3] or [K, 2])';

/**
 * The keypoint extension of a pose rocket. Candidates are checked before NMS: a visibility outside
 * [0, 1], a non-finite coordinate or one several canvas sizes away is OUTPUT_INVALID. Kept
 * detections get `keypoints: [{ name, x, y, score }]` in image pixels, clamped to the image as
 * Ultralytics clamps them (a keypoint outside the photo sits on its edge, with the low score the
 * model gives it), rounded to 0.1 px, scores to 4 digits. A model without visibility ([K, 2])
 * gives every keypoint score 1.
 */
export function keypointExtension(spec: ImageRocketSpec<PoseHead>): DetectionExtension {
  const { count, values, names } = spec.head.keypoints;
  const stride = count * values;
  const { width, height } = spec.preprocess;
  return {
    fix: FIX,
    check(c: Candidates, n: number) {
      const extras = c.extras as Float32Array;
      for (let i = 0; i < n * count; i++) {
        const at = i * values;
        for (const [v, size] of [
          [extras[at] as number, width],
          [extras[at + 1] as number, height],
        ] as const) {
          if (!(v >= -OVERSHOOT * size && v <= (1 + OVERSHOOT) * size))
            throw outputInvalid(
              spec,
              `a keypoint coordinate of ${shownValue(v)} for a ${width}×${height} canvas`,
              FIX,
            );
        }
        const visibility = values === 3 ? (extras[at + 2] as number) : 1;
        if (!(visibility >= 0 && visibility <= 1))
          throw outputInvalid(spec, `a keypoint visibility of ${shownValue(visibility)}`, FIX);
      }
    },
    finish(detection: Detection, i: number, c: Candidates, _outputs, job: Job) {
      const extras = c.extras as Float32Array;
      const keypoints = names.map((name, j): PoseKeypoint => {
        const at = i * stride + j * values;
        const { x, y } = toImage(job, extras[at] as number, extras[at + 1] as number);
        const score = values === 3 ? (extras[at + 2] as number) : 1;
        return { name, x, y, score: round(score, 4) };
      });
      return { ...detection, keypoints };
    },
  };
}

/** A point of the model's input in image pixels, clamped to the image and rounded to 0.1 px. */
function toImage({ placement: p, original }: Job, x: number, y: number) {
  const within = (v: number, max: number) => round(Math.min(Math.max(v, 0), max), 1);
  return {
    x: within((x - p.offsetX) / p.scaleX, original.width),
    y: within((y - p.offsetY) / p.scaleY, original.height),
  };
}
