/** The classify family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import type { Head } from '../types.js';
import type { ClassifyFormat } from './family.js';
import { classifyRow } from './postprocess.js';

/** The postprocessing of a classifier: its one output row → the top-k predictions. */
export function createHead(spec: ImageRocketSpec, kernels: Kernels): Head {
  const [name = ''] = spec.outputNames;
  return {
    postprocess: (outputs, job) => ({
      predictions: classifyRow(
        outputs[name]?.data as Float32Array,
        spec,
        spec.outputFormat as ClassifyFormat,
        job,
        kernels,
      ),
    }),
  };
}
