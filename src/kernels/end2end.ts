import type { Kernels } from './types.js';

/** Reference {@link Kernels.decodeEnd2end}. (Being written.) */
export const decodeEnd2end: Kernels['decodeEnd2end'] = () => {
  throw new Error('decodeEnd2end is not implemented yet');
};
