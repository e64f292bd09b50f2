import { z } from 'zod';
import { RocketError } from '../../errors.js';
import type { ImageRocketSpec, Preprocess } from '../../rocket/types.js';
import { rank } from '../signature.js';
import type { ImageFamily, ImageFamilyContext, PlaygroundView, Rendered, RenderInput } from '../types.js';
import { annotateDetections } from './draw.js';
import type { DetectHead } from './layout.js';
import { LAYOUTS, layoutNamed } from './layouts/index.js';
import { type DetectOutput, detectOutputFields } from './manifest.js';
import { type Detection, detection } from './schema.js';

/**
 * How detectors read images: the reference pipelines of detectors read images as OpenCV does
 * (stored values, no colour management) and letterbox with its INTER_LINEAR. With both, YOLO26n,
 * YOLOv8n and UltraFace give the published boxes to 0.5 px on zidane.jpg (docs/rocket.md). The
 * families built on detection (segment, pose, obb) share them.
 */
export const DETECTOR_PREPROCESS: Partial<Preprocess> = {
  resize: 'letterbox',
  interpolation: 'bilinear',
  iccProfile: 'ignore',
  padValue: 114,
};

/**
 * The playground view of families whose answer is detections (detect, segment, pose, obb): the
 * image, the confidence and IoU sliders and the drawn detections, requested with low thresholds
 * so that the sliders can filter on the page. `query` adds the family's own parameters.
 */
export function detectionsPlayground(
  maxDetections: number,
  query: Record<string, string> = {},
): PlaygroundView {
  return {
    panels: ['image-input', 'controls', 'confidence-control', 'iou-control', 'detect-view'],
    query: { confidence: 0.05, iou: 0.9, maxDetections, ...query },
    accept: 'application/json',
  };
}

/** A `format=image` renderer: the photo with its detections drawn, as a JPEG. */
export function photoRenderer<D>(
  annotate: (
    upload: Uint8Array,
    detections: D[],
    maxPixels: number,
    spec: ImageRocketSpec,
  ) => Promise<Buffer>,
): (input: RenderInput) => Promise<Rendered> {
  return async ({ spec, upload, fields, maxPixels }) => ({
    body: await annotate(upload, (fields.detections ?? []) as D[], maxPixels, spec),
    contentType: 'image/jpeg',
  });
}

/**
 * For the families with one layout (segment, pose, obb): ROCKET_INVALID when rocket.json's
 * `output.format` names another.
 */
export function checkOnlyFormat(ctx: ImageFamilyContext, task: string, format: string): void {
  const asked = ctx.manifest?.output?.format;
  if (asked === undefined || asked === format) return;
  throw new RocketError(
    'ROCKET_INVALID',
    `Rocket ${ctx.modelPath}: output.format ${asked} is not read by task ${task}, which reads one layout, ${format}; ` +
      'remove output.format from rocket.json or set its task (docs/rocket.md)',
  );
}

/** The first layout that recognises the model, with why. */
function recogniseLayout(signature: Parameters<ImageFamily['recognise']>[0], labels: readonly string[]) {
  for (const layout of LAYOUTS) {
    const reason = layout.recognise?.(signature, labels);
    if (reason) return { layout, reason };
  }
  return undefined;
}

/** Object detection: boxes with classes and confidences (and face landmarks), in image pixels. */
export const detect: ImageFamily = {
  task: 'detect',
  input: 'image',
  fallbackSize: 640,
  summary: 'object and face detection: boxes, classes, confidences and landmarks',
  outputFormats: LAYOUTS.map((l) => l.name),
  outputFields: detectOutputFields,
  resultFields: { detections: z.array(detection) },
  playground: detectionsPlayground(1000),
  renderers: {
    image: photoRenderer<Detection>((upload, detections, maxPixels) =>
      annotateDetections(upload, detections, maxPixels),
    ),
  },
  defaultsToImage: false,

  recognise(signature, labels) {
    if (rank(signature.inputs[0]) !== 4) return undefined;
    const task = signature.metadata.task;
    if (task !== undefined && task !== 'detect') return undefined;
    const found = recogniseLayout(signature, labels);
    return found ? `${found.layout.name}: ${found.reason}` : undefined;
  },

  configure(ctx) {
    const output = (ctx.manifest?.output ?? {}) as DetectOutput;
    const chosen = output.format
      ? { layout: layoutNamed(output.format), reason: `output.format ${output.format} in rocket.json` }
      : recogniseLayout(ctx.signature, ctx.labels);
    if (!chosen?.layout) {
      throw new RocketError(
        'ROCKET_UNSUPPORTED',
        `Rocket ${ctx.modelPath}: ${output.format ? `output.format ${output.format} is not a detector layout` : 'no detector layout recognises its outputs'}; ` +
          `set output.format in rocket.json to one of ${detect.outputFormats.join(', ')} (docs/rocket.md)`,
      );
    }
    const { layout, reason } = chosen;
    const { width, height } = ctx.size;
    const configured = layout.configure({ ...ctx, output, width, height });
    const head: DetectHead = { layout: layout.name, settings: configured.settings };
    return {
      preprocess: { ...DETECTOR_PREPROCESS, ...configured.preprocess },
      confidence: 0.25,
      outputNames: configured.outputNames,
      outputFormat: layout.name,
      head,
      reason,
      summary: layout.summary,
      ...(configured.labels ? { labels: configured.labels } : {}),
    };
  },
};
