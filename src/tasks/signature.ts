/** Small questions families ask of a model's signature. */
import type { ModelSignature, SignatureEntry } from '../rocket/infer.js';
import type { TensorSignature } from '../rocket/types.js';

/** The number of dimensions of an input or output (0 when absent). */
export const rank = (entry: SignatureEntry | undefined): number => entry?.dims.length ?? 0;

/** The outputs that are tensors (scikit-learn's ZipMap maps and sequences left out). */
export const tensorOutputs = (signature: ModelSignature): SignatureEntry[] =>
  signature.outputs.filter((o) => (o.kind ?? 'tensor') === 'tensor');

/** The output with this name, if any. */
export const outputNamed = (signature: ModelSignature, name: string): SignatureEntry | undefined =>
  signature.outputs.find((o) => o.name === name);

/** `name [d0,d1,...]` lines of every input and output, for error messages. */
export function describeSignature(signature: ModelSignature): string {
  const line = (e: SignatureEntry) => `${e.name} [${e.dims.join(', ')}]`;
  return [
    `inputs: ${signature.inputs.map(line).join('; ') || 'none'}`,
    `outputs: ${signature.outputs.map(line).join('; ') || 'none'}`,
  ].join('\n  ');
}

/** A signature entry with its defaults filled in (a float32 tensor). */
export const toTensorSignature = (e: SignatureEntry): TensorSignature => ({
  name: e.name,
  kind: e.kind ?? 'tensor',
  elemType: e.elemType ?? 1,
  dims: e.dims,
});
