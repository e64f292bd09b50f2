import type { Kernels } from './types.js';

/** Reference {@link Kernels.decodeRetinaface}. (Being written.) */
export const decodeRetinaface: Kernels['decodeRetinaface'] = () => {
  throw new Error('decodeRetinaface is not implemented yet');
};
