import { z } from 'zod';

/** A detection's box. */
export const box = z
  .object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() })
  .describe('xyxy in image pixels, clamped to the image, rounded to 0.1 px.');

/** A landmark of a detection (the 5 face landmarks of face detectors). */
export const keypoint = z.object({
  x: z.number(),
  y: z.number(),
  score: z.number().min(0).max(1).optional(),
  name: z.string().optional(),
});

/** One detection. */
export const detection = z.object({
  label: z.string(),
  class: z.number().int(),
  confidence: z.number().min(0).max(1),
  box,
  keypoints: z
    .array(keypoint)
    .optional()
    .describe('Landmarks in image pixels (face detectors: 5), when the model has them.'),
});

export type Box = z.infer<typeof box>;
export type Keypoint = z.infer<typeof keypoint>;
export type Detection = z.infer<typeof detection>;
