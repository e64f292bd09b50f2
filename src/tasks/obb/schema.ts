import { z } from 'zod';

/** An oriented box in image pixels. */
export const rotatedBox = z
  .object({
    cx: z.number(),
    cy: z.number(),
    w: z.number().min(0),
    h: z.number().min(0),
    angle: z
      .number()
      .min(0)
      .lt(Math.PI / 2),
  })
  .describe(
    'Centre (cx, cy), width w along the angle and height h across it, in image pixels (0.1 px); ' +
      'angle in radians (4 decimals), clockwise on the image, in [0, π/2) as Ultralytics regularises ' +
      'it (w is not always the longer side). Not clamped to the image.',
  );

/** A point [x, y] in image pixels. */
export const point = z.tuple([z.number(), z.number()]);

/** One oriented detection. */
export const obbDetection = z.object({
  label: z.string(),
  class: z.number().int(),
  confidence: z.number().min(0).max(1),
  box: rotatedBox,
  corners: z
    .array(point)
    .length(4)
    .describe(
      "The 4 corners [x, y] in image pixels (0.1 px), not clamped, in the order of Ultralytics' " +
        'xyxyxyxy: centre + u + v, + u − v, − u − v, − u + v (u: half of w along the angle, v: half ' +
        'of h across it; at angle 0: bottom-right, top-right, top-left, bottom-left).',
    ),
});

export type RotatedBoxJson = z.infer<typeof rotatedBox>;
export type ObbDetection = z.infer<typeof obbDetection>;
