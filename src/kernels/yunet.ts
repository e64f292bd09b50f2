import type { Kernels } from './types.js';

/** Reference {@link Kernels.decodeYunet}. (Being written.) */
export const decodeYunet: Kernels['decodeYunet'] = () => {
  throw new Error('decodeYunet is not implemented yet');
};
