import type { Kernels } from './types.js';

/** Reference {@link Kernels.decodeScrfd}. (Being written.) */
export const decodeScrfd: Kernels['decodeScrfd'] = () => {
  throw new Error('decodeScrfd is not implemented yet');
};
