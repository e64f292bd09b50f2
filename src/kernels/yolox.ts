import type { Kernels } from './types.js';

/** Reference {@link Kernels.decodeYolox}. (Being written.) */
export const decodeYolox: Kernels['decodeYolox'] = () => {
  throw new Error('decodeYolox is not implemented yet');
};
