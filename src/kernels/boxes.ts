import type { Kernels } from './types.js';

/** Reference {@link Kernels.decodeBoxes}. (Being written.) */
export const decodeBoxes: Kernels['decodeBoxes'] = () => {
  throw new Error('decodeBoxes is not implemented yet');
};
