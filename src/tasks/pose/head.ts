/** The pose family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import { yoloDecoder } from '../detect/layouts/yolo.js';
import { createDetectHead } from '../detect/postprocess.js';
import type { Head } from '../types.js';
import type { PoseHead } from './layout.js';
import { keypointExtension } from './postprocess.js';

/** The postprocessing of a pose rocket: a YOLOv8 head with K × D keypoint values after the classes. */
export function createHead(spec: ImageRocketSpec, kernels: Kernels): Head {
  const typed = spec as ImageRocketSpec<PoseHead>;
  const { settings, keypoints } = typed.head;
  const extras = keypoints.count * keypoints.values;
  const decoder = yoloDecoder(typed.outputNames[0] ?? '', true, settings.numClasses, extras, kernels);
  return createDetectHead(typed, decoder, kernels, keypointExtension(typed));
}
