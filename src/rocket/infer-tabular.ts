import { RocketError } from '../errors.js';
import type { TabularSpec, TensorSignature } from './types.js';

const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 8, 12, 13]); // uint8 … int64, string, uint32, uint64

/**
 * The tabular part of a spec: the feature count from the input `[N, F]` (or the mapping), and the
 * role of each tensor output: integer or string → label; float `[N, K]` with K > 1 →
 * probabilities; float `[N]` or `[N, 1]` → value. Non-tensor outputs (scikit-learn's ZipMap)
 * are left out, so onnxruntime-node never has to return them.
 */
export function inferTabular(
  modelPath: string,
  input: TensorSignature,
  outputs: TensorSignature[],
  featureNames?: string[],
): TabularSpec {
  const declared = input.dims[1];
  const features = typeof declared === 'number' && declared > 0 ? declared : featureNames?.length;
  if (!features) {
    throw new RocketError(
      'ROCKET_INVALID',
      `Rocket ${modelPath}: input ${input.name} [${input.dims}] has no fixed feature count; give a mapping file in rocket.json`,
    );
  }
  if (featureNames && featureNames.length !== features) {
    throw new RocketError(
      'ROCKET_INVALID',
      `Rocket ${modelPath}: the mapping names ${featureNames.length} features but the model takes ${features}`,
    );
  }
  const roles = outputs
    .filter((o) => o.kind === 'tensor')
    .map((o) => {
      const last = o.dims.length > 1 ? o.dims[o.dims.length - 1] : 1;
      const role = INTEGER_TYPES.has(o.elemType)
        ? 'label'
        : typeof last === 'number' && last > 1
          ? 'probabilities'
          : 'value';
      return { name: o.name, role } as const;
    });
  if (roles.length === 0) {
    throw new RocketError('ROCKET_INVALID', `Rocket ${modelPath}: the model has no tensor output to return`);
  }
  return { features, ...(featureNames ? { featureNames } : {}), outputs: roles };
}
