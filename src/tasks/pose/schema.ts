import { z } from 'zod';
import { detection, keypoint } from '../detect/schema.js';

/** A keypoint of a pose detection: always named and scored. */
export const poseKeypoint = keypoint
  .extend({
    name: z
      .string()
      .describe("Its name: rocket.json keypoints.names, COCO's for 17 keypoints, else kp0, kp1, ..."),
    score: z
      .number()
      .min(0)
      .max(1)
      .describe("The model's visibility of the keypoint (1 for models without visibility)."),
  })
  .describe('In image pixels, clamped to the image, rounded to 0.1 px.');

/** A pose detection: a detection with its K keypoints, in the model's order. */
export const poseDetection = detection.extend({
  keypoints: z.array(poseKeypoint).describe("The K keypoints of the detection, in the model's order."),
});

export type PoseKeypoint = z.infer<typeof poseKeypoint>;
export type PoseDetection = z.infer<typeof poseDetection>;
