import { z } from 'zod';
import { RocketError } from '../../errors.js';
import {
  checkOnlyFormat,
  DETECTOR_PREPROCESS,
  detectionsPlayground,
  photoRenderer,
} from '../detect/family.js';
import { rank } from '../signature.js';
import type { ImageFamily } from '../types.js';
import { annotateSegments } from './draw.js';
import { MASK_FORMATS, type SegmentHead } from './masks.js';
import { readSegmentOutputs, SEGMENT_FORMAT, SEGMENT_SHAPES } from './outputs.js';
import { type SegmentDetection, segmentDetection } from './schema.js';

/** Instance segmentation (Ultralytics `-seg`): detections with their masks, in image pixels. */
export const segment: ImageFamily = {
  task: 'segment',
  input: 'image',
  fallbackSize: 640,
  summary: 'instance segmentation: detections with their masks as polygons or COCO RLE',
  outputFormats: [SEGMENT_FORMAT],
  resultFields: { detections: z.array(segmentDetection) },
  query: {
    masks: {
      schema: z.enum(MASK_FORMATS),
      what: `one of ${MASK_FORMATS.join(', ')}`,
      doc:
        'How each mask is returned: polygon (default; its outer contours in image pixels), rle (COCO ' +
        'run-length encoding, as pycocotools reads it) or none (only its area).',
    },
  },
  playground: detectionsPlayground(300, { masks: 'polygon' }),
  renderers: { image: photoRenderer<SegmentDetection>(annotateSegments) },
  defaultsToImage: false,

  recognise(signature, labels) {
    if (rank(signature.inputs[0]) !== 4) return undefined;
    const task = signature.metadata.task;
    if (task === 'segment') return 'its metadata says task: segment';
    if (task !== undefined) return undefined;
    const read = readSegmentOutputs(signature, labels);
    if ('problem' in read) return undefined;
    return (
      `outputs ${read.head.name} [${read.head.dims}] and ${read.protos.name} [${read.protos.dims}] hold ` +
      `4 box rows, ${read.numClasses} class scores and ${read.numMasks} mask coefficients, and the mask prototypes`
    );
  },

  configure(ctx) {
    checkOnlyFormat(ctx, 'segment', SEGMENT_FORMAT);
    const read = readSegmentOutputs(ctx.signature, ctx.labels);
    if ('problem' in read) {
      throw new RocketError(
        'ROCKET_UNSUPPORTED',
        `Rocket ${ctx.modelPath}: read as instance segmentation, ${read.problem}. Instance segmentation ` +
          `needs ${SEGMENT_SHAPES} with C the labels' count: set "labels" in rocket.json to a file naming ` +
          'the C classes, or "task" to what the model is (docs/rocket.md)',
      );
    }
    const head: SegmentHead = {
      layout: SEGMENT_FORMAT,
      settings: { numClasses: read.numClasses, numMasks: read.numMasks },
    };
    return {
      preprocess: DETECTOR_PREPROCESS,
      confidence: 0.25,
      outputNames: [read.head.name, read.protos.name],
      outputFormat: SEGMENT_FORMAT,
      head,
      reason: `${read.head.name} [${read.head.dims}]: ${read.numClasses} classes, ${read.numMasks} mask coefficients; ${read.protos.name} [${read.protos.dims}]: mask prototypes`,
      summary: `${SEGMENT_SHAPES}: cx, cy, w, h, C class scores and M mask coefficients per anchor (YOLOv8-seg, YOLO11-seg)`,
    };
  },
};
