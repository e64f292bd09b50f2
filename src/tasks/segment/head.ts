/** The segment family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import { yoloDecoder } from '../detect/layouts/yolo.js';
import { createDetectHead } from '../detect/postprocess.js';
import type { Head } from '../types.js';
import { maskExtension, type SegmentHead } from './masks.js';

/**
 * The postprocessing of a segment rocket: its head read as YOLOv8 with the mask coefficients as
 * extras, the detect family's checks, NMS and mapping, then a mask per kept detection.
 */
export function createHead(spec: ImageRocketSpec, kernels: Kernels): Head {
  const typed = spec as ImageRocketSpec<SegmentHead>;
  const { numClasses, numMasks } = typed.head.settings;
  const [headName = '', protosName = ''] = typed.outputNames;
  const decoder = yoloDecoder(headName, true, numClasses, numMasks, kernels);
  return createDetectHead(typed, decoder, kernels, maskExtension(typed, protosName, kernels));
}
