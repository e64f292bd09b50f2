import { z } from 'zod';
import { detection } from '../detect/schema.js';

/** A point of a mask contour. */
const point = z
  .tuple([z.number(), z.number()])
  .describe("(x, y) in image pixels, to 0.1: a pixel's centre is its column and row.");

/** A mask as COCO run-length encoding, which `pycocotools.mask.decode` reads. */
export const cocoRle = z.object({
  size: z.tuple([z.number().int(), z.number().int()]).describe('[height, width] of the image.'),
  counts: z
    .string()
    .describe(
      "Run lengths down the image's columns, starting with unset pixels, compressed as pycocotools' rleToString writes them.",
    ),
});

/** One instance: a detection with its mask. */
export const segmentDetection = detection.omit({ keypoints: true }).extend({
  area: z.number().int().min(0).describe('Pixels of the image the mask covers.'),
  polygons: z
    .array(z.array(point))
    .optional()
    .describe(
      'masks=polygon (default): one ring per outer contour of the mask, traced at the model input size and placed on the image (as Ultralytics masks.xy). The mask is the pixels whose centres the rings enclose; holes are not traced.',
    ),
  rle: cocoRle.optional().describe('masks=rle: the mask over the whole image.'),
});

export type SegmentDetection = z.infer<typeof segmentDetection>;
