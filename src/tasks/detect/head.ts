/** The detect family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import type { Head } from '../types.js';
import type { DetectHead, DetectLayout } from './layout.js';
import { layoutNamed } from './layouts/index.js';
import { createDetectHead } from './postprocess.js';

/** The postprocessing of a detect rocket: its layout's decoder, then the shared checks, NMS and mapping. */
export function createHead(spec: ImageRocketSpec, kernels: Kernels): Head {
  const typed = spec as ImageRocketSpec<DetectHead>;
  const layout = layoutNamed(typed.head.layout) as DetectLayout;
  return createDetectHead(typed, layout.createDecoder(typed, kernels), kernels);
}
