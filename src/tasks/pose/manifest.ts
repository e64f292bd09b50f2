import { z } from 'zod';

const index = z.number().int().min(0);

/**
 * rocket.json's `keypoints` (pose rockets): what the model's keypoints are. Every field is optional:
 * the shape comes from the model's `kpt_shape` metadata when absent, and K = 17 defaults to the COCO
 * names and skeleton. How names and skeleton fit the shape is checked when the rocket is configured.
 */
export const keypointsManifest = z
  .object({
    shape: z
      .tuple([z.number().int().positive(), z.union([z.literal(2), z.literal(3)])])
      .describe(
        "[K, 3]: K keypoints of x, y and visibility each (Ultralytics -pose); [K, 2]: x and y only. Default: the model's kpt_shape metadata.",
      ),
    names: z
      .array(z.string().min(1))
      .min(1)
      .describe("K keypoint names in output order (default: COCO's 17 when K = 17, else kp0, kp1, ...)."),
    skeleton: z
      .array(z.tuple([index, index]))
      .describe(
        "Limbs as pairs of 0-based keypoint indices, for drawing (default: COCO's when K = 17, else none).",
      ),
  })
  .partial()
  .strict();

export type KeypointsManifest = z.infer<typeof keypointsManifest>;

/** The pose family's top-level fields of rocket.json. */
export const poseManifestFields = {
  keypoints: keypointsManifest.describe("Pose: the keypoints' shape, names and skeleton."),
};
