import { z } from 'zod';
import { RocketError } from '../../errors.js';
import {
  checkOnlyFormat,
  DETECTOR_PREPROCESS,
  detectionsPlayground,
  photoRenderer,
} from '../detect/family.js';
import { describeEntries, onlyOutput, rank } from '../signature.js';
import type { ImageFamily, ImageFamilyContext } from '../types.js';
import { annotateObb } from './draw.js';
import type { ObbHead } from './head.js';
import { type ObbDetection, obbDetection } from './schema.js';

/** The name `rocket inspect` gives the one layout obb reads. */
const OBB_LAYOUT = 'yolov8-obb';

const SHAPE = '[1, 4 + classes + 1, anchors] (cx, cy, w, h in input pixels, class scores, angle in radians)';

/** The classes of the model's head, after checking it is `[1, 4 + C + 1, N]` and C matches the labels. */
function classesOf({ modelPath, signature, labels }: ImageFamilyContext): {
  name: string;
  numClasses: number;
} {
  const head = onlyOutput(signature);
  const [, rowDim, anchors] = head?.dims ?? [];
  const rows = typeof rowDim === 'number' ? rowDim : Number.NaN;
  const numClasses = rows - 5;
  // Rows before anchors (a symbolic anchor count is any input size), unless the labels count the rows.
  const transposed = typeof anchors === 'number' && anchors <= rows && labels.length !== numClasses;
  if (!head || rank(head) !== 3 || !(numClasses > 0) || transposed) {
    throw new RocketError(
      'ROCKET_UNSUPPORTED',
      `Rocket ${modelPath}: task obb reads one output ${SHAPE}; the model has ` +
        `${describeEntries(signature.outputs) || 'no outputs'}. If it is not an oriented-box model, set "task" in rocket.json`,
    );
  }
  if (labels.length > 0 && labels.length !== numClasses) {
    throw new RocketError(
      'ROCKET_UNSUPPORTED',
      `Rocket ${modelPath}: output ${head.name} [${head.dims}] read as ${OBB_LAYOUT} has 4 box rows, ` +
        `${numClasses} class rows and 1 angle row, but the labels name ${labels.length} classes; set ` +
        `"labels" in rocket.json to a file with the model's ${numClasses} class names, one per line`,
    );
  }
  return { name: head.name, numClasses };
}

/**
 * Oriented bounding boxes (Ultralytics `-obb` exports, e.g. aerial images on DOTA): a rotated box,
 * its corners, class and confidence per object, after rotated NMS. Zero-config from the metadata
 * Ultralytics writes (`task: obb`); without it the head `[1, 4 + C + 1, N]` looks like a detector
 * with one more class, so a manifest says `"task": "obb"`.
 */
export const obb: ImageFamily = {
  task: 'obb',
  input: 'image',
  // Ultralytics trains its OBB models at 1024 (DOTA); exports carry imgsz anyway.
  fallbackSize: 1024,
  summary: 'oriented boxes: rotated boxes with their corners, classes and confidences',
  outputFormats: [OBB_LAYOUT],
  resultFields: { detections: z.array(obbDetection) },
  playground: detectionsPlayground(1000),
  renderers: { image: photoRenderer<ObbDetection>(annotateObb) },
  defaultsToImage: false,

  recognise(signature) {
    return signature.metadata.task === 'obb' && rank(signature.inputs[0]) === 4
      ? 'its metadata says task: obb'
      : undefined;
  },

  configure(ctx) {
    checkOnlyFormat(ctx, 'obb', OBB_LAYOUT);
    const { name, numClasses } = classesOf(ctx);
    const head: ObbHead = { numClasses };
    return {
      preprocess: DETECTOR_PREPROCESS,
      confidence: 0.25,
      outputNames: [name],
      outputFormat: OBB_LAYOUT,
      head,
      reason: `output ${name} holds 4 box rows, ${numClasses} class rows and 1 angle row`,
      summary: `${SHAPE}, rotated NMS with probiou`,
    };
  },
};
