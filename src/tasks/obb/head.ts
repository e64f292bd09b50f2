/** The obb family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import type { DetectHead } from '../detect/layout.js';
import { yoloDecoder } from '../detect/layouts/yolo.js';
import { createDetectHead } from '../detect/postprocess.js';
import type { Head } from '../types.js';
import { rotatedBoxes } from './rotated.js';

/** The obb family's `spec.head`: the classes of its `[1, 4 + C + 1, N]` head. */
export interface ObbHead {
  numClasses: number;
}

/**
 * The postprocessing of an obb rocket: the YOLOv8 decoder with the angle as its one extra value,
 * the detection checks, rotated NMS, then oriented boxes in image pixels (rotated.ts).
 */
export function createHead(spec: ImageRocketSpec, kernels: Kernels): Head {
  const { numClasses } = spec.head as ObbHead;
  const decoder = yoloDecoder(spec.outputNames[0] ?? '', true, numClasses, 1, kernels);
  // createDetectHead reads no layout settings from the head; the decoder is given.
  const detectSpec = spec as ImageRocketSpec<DetectHead>;
  return createDetectHead(detectSpec, decoder, kernels, rotatedBoxes(spec, kernels));
}
