/**
 * The tensor kernels: the contract (types.ts), the TypeScript reference and the native addon.
 */
import { loadNativeKernels } from './native.js';
import { referenceKernels } from './reference.js';
import type { KernelKind, Kernels } from './types.js';

export { referenceKernels } from './reference.js';
export * from './types.js';

/**
 * The kernels of one implementation: `native` (the C++ addon, loaded once and cached) or
 * `reference` (pure TypeScript).
 * @throws RocketError NATIVE_ADDON_UNAVAILABLE when `native` is asked for and cannot be loaded.
 */
export function loadKernels(kind: KernelKind): Kernels {
  return kind === 'native' ? loadNativeKernels() : referenceKernels;
}
