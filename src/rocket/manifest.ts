import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RocketError } from '../errors.js';
import { FAMILIES, TASK_NAMES } from '../tasks/registry.js';
import { ALIGNMENTS, ICC_PROFILES, INTERPOLATIONS, RESIZE_MODES } from './types.js';

/** Every family's `output.format` values. */
const OUTPUT_FORMATS = FAMILIES.flatMap((f) => f.outputFormats) as [string, ...string[]];

/**
 * Every family's own top-level fields (pose's `keypoints`). They are validated here but typed as
 * none, so `Manifest` keeps its exact type: each family reads its own with its own schema's type.
 */
const FAMILY_FIELDS: Record<never, never> = Object.assign({}, ...FAMILIES.map((f) => f.manifestFields ?? {}));

const unit = z.number().min(0).max(1);
const triple = z.array(z.number()).min(1).max(3);

/**
 * rocket.json, the manifest of a rocket directory. Every field but `model` is optional: what is
 * absent is inferred from the model (see docs/rocket.md). Unknown keys are errors, so typos show.
 */
export const manifestSchema = z
  .object({
    name: z.string().min(1).describe('Rocket name, reported by /health and every response.'),
    version: z.string().min(1).describe('Rocket version (free text, e.g. semver).'),
    task: z.enum(TASK_NAMES).describe('What the model does; inferred from the model when absent.'),
    model: z.string().min(1).describe('The .onnx file, relative to the manifest directory or absolute.'),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'a sha256 is 64 hex digits')
      .describe('sha256 of the model file; loading fails with ROCKET_CHECKSUM_MISMATCH when it differs.'),
    preprocess: z
      .object({
        size: z
          .union([
            z.number().int().positive(),
            z.tuple([z.number().int().positive(), z.number().int().positive()]),
          ])
          .describe('Model input size: N for N×N, or [width, height].'),
        resize: z.enum(RESIZE_MODES),
        interpolation: z.enum(INTERPOLATIONS).describe('Resize kernel (default linear, antialiased).'),
        iccProfile: z
          .enum(ICC_PROFILES)
          .describe(
            'Embedded ICC profile: convert the pixels to sRGB with it (default), or ignore it, as PIL and OpenCV do.',
          ),
        cropRatio: z
          .number()
          .gt(0)
          .max(1)
          .describe('center-crop: crop / resized short side (default 0.875).'),
        padValue: z
          .number()
          .min(0)
          .max(255)
          .describe('letterbox: padding pixel value (default 114; 0 for the face layouts).'),
        align: z
          .enum(ALIGNMENTS)
          .describe(
            'letterbox: where the resized image sits, center (default) or top-left (YOLOX, YuNet, SCRFD).',
          ),
        channelOrder: z.enum(['rgb', 'bgr', 'gray']),
        invert: z.boolean().describe('Use 255 − pixel, for dark-on-light photos (e.g. digits for MNIST).'),
        scale: z.number().positive().describe('Pixel multiplier before mean/std (default 1/255).'),
        mean: triple,
        std: triple.refine((s) => s.every((v) => v !== 0), 'std values must be non-zero'),
        layout: z.enum(['nchw', 'nhwc']),
      })
      .partial()
      .strict(),
    output: z
      .object({
        format: z
          .enum(OUTPUT_FORMATS)
          .describe(
            'How the outputs are read: a detector layout, or logits / probabilities / auto for a classifier.',
          ),
        ...Object.assign({}, ...FAMILIES.map((f) => f.outputFields ?? {})),
      })
      .partial()
      .strict(),
    image2image: z
      .object({
        mode: z.enum(['rgb', 'y']).describe('rgb: the model maps RGB to RGB; y: the Y channel of YCbCr.'),
        tile: z
          .object({
            maxPixels: z
              .number()
              .int()
              .min(0)
              .describe(
                'Images of more pixels run as overlapping tiles of at most this many (default 65536, 256 × 256); 0 = never tile.',
              ),
            overlap: z
              .number()
              .int()
              .min(0)
              .describe(
                'Input pixels neighbouring tiles share, blended linearly across the seam (default 32).',
              ),
          })
          .partial()
          .strict()
          .describe('Any-size models (resize none): the tiles that bound the memory one inference takes.'),
        maxOutputPixels: z
          .number()
          .int()
          .min(1)
          .describe(
            'Any-size models: the most pixels an output may have (default 50000000); a larger one is 422 IMAGE_TOO_LARGE before it is made.',
          ),
      })
      .partial()
      .strict(),
    mapping: z
      .string()
      .min(1)
      .describe(
        'Tabular: JSON file naming the client fields in the model feature order (array, or name → index).',
      ),
    labels: z
      .string()
      .min(1)
      .describe('Labels file (one per line, or a JSON array), relative to the manifest.'),
    thresholds: z
      .object({
        confidence: unit,
        iou: unit,
        topk: z.number().int().min(1).max(1000),
        maxDetections: z.number().int().min(1).max(10000),
        classAware: z.boolean(),
      })
      .partial()
      .strict(),
  })
  .extend(FAMILY_FIELDS)
  .partial()
  .required({ model: true })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;

/** The manifest's JSON Schema (draft 2020-12), as published in docs/rocket.schema.json. */
export function manifestJsonSchema(): unknown {
  return z.toJSONSchema(manifestSchema, { target: 'draft-2020-12' });
}

/** Reads and validates rocket.json; every problem is listed in one ROCKET_INVALID error. */
export function readManifest(path: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RocketError('ROCKET_INVALID', `Cannot read manifest ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const result = manifestSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  throw new RocketError('ROCKET_INVALID', `Invalid manifest ${path}:\n  - ${problems.join('\n  - ')}`);
}
