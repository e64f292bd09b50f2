import { z } from 'zod';
import { BOX_FORMATS, SCORE_ACTIVATIONS } from '../../kernels/types.js';

export const BOX_UNITS = ['normalized', 'input', 'original'] as const;
/** What box numbers are measured in: 0..1 of the input, input pixels, or original-image pixels. */
export type BoxUnits = (typeof BOX_UNITS)[number];

const outputName = (what: string) => z.string().min(1).describe(what);
const positive = z.number().positive();

/** The detect family's fields of the manifest's `output` (docs/rocket.md, "Detector layouts"). */
export const detectOutputFields = {
  boxes: outputName('boxes-scores, retinaface: the output holding the boxes (retinaface: loc).'),
  scores: outputName('boxes-scores, retinaface: the output holding the scores (retinaface: conf).'),
  labels: outputName('boxes-scores: an output holding one class per box (integers).'),
  landmarks: outputName('retinaface: the output holding the 5 landmarks per prior.'),
  boxFormat: z.enum(BOX_FORMATS).describe('boxes-scores: xyxy (default), cxcywh or yxyx.'),
  boxUnits: z
    .enum(BOX_UNITS)
    .describe(
      'boxes-scores: normalized (0..1 of the input, default), input pixels, or original-image pixels.',
    ),
  background: z
    .number()
    .int()
    .min(0)
    .describe(
      'boxes-scores: a score column that is no class (SSD background); the columns after it number one lower.',
    ),
  activation: z
    .enum(SCORE_ACTIVATIONS)
    .describe('boxes-scores, detr: what turns scores into confidences: none (default), sigmoid or softmax.'),
  strides: z
    .array(z.number().int().positive())
    .min(1)
    .describe('yolox, scrfd, yunet, retinaface: the head strides (default [8, 16, 32]).'),
  minSizes: z
    .array(z.array(positive).min(1))
    .min(1)
    .describe('retinaface: prior sizes per stride in pixels (default [[16, 32], [64, 128], [256, 512]]).'),
  variances: z
    .tuple([positive, positive])
    .describe('retinaface: centre and size variances (default [0.1, 0.2]).'),
};

/** The manifest's `output` as the detect family reads it. */
export type DetectOutput = Partial<z.infer<z.ZodObject<typeof detectOutputFields>>> & { format?: string };
