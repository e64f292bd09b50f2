import { RocketError } from '../../errors.js';
import { DataType } from '../../onnx/data-types.js';
import type { TabularSpec, TensorSignature } from '../../rocket/types.js';

/** Element types whose values are class ids (integers or strings), not scores. */
const LABEL_TYPES = new Set<number>([
  DataType.UINT8,
  DataType.INT8,
  DataType.UINT16,
  DataType.INT16,
  DataType.INT32,
  DataType.INT64,
  DataType.STRING,
  DataType.UINT32,
  DataType.UINT64,
]);

/**
 * The tabular part of a spec: the feature count from the input `[N, F]` (or the mapping), and the
 * role of each tensor output: integer or string → label, float → scores. Non-tensor outputs
 * (scikit-learn's ZipMap) are left out, so onnxruntime-node never has to return them.
 */
export function inferTabular(
  modelPath: string,
  input: TensorSignature,
  outputs: TensorSignature[],
  featureNames?: string[],
): TabularSpec {
  const declared = input.dims[1];
  const features = typeof declared === 'number' && declared > 0 ? declared : (featureNames?.length ?? null);
  if (featureNames && featureNames.length !== features) {
    throw new RocketError(
      'ROCKET_INVALID',
      `Rocket ${modelPath}: the mapping names ${featureNames.length} features but the model takes ${features}`,
    );
  }
  const roles = outputs
    .filter((o) => o.kind === 'tensor')
    .map((o) => ({
      name: o.name,
      role: LABEL_TYPES.has(o.elemType) ? ('label' as const) : ('scores' as const),
    }));
  if (roles.length === 0) {
    throw new RocketError('ROCKET_INVALID', `Rocket ${modelPath}: the model has no tensor output to return`);
  }
  return { features, ...(featureNames ? { featureNames } : {}), outputs: roles };
}
