/** Small questions families ask of a model's signature. */
import type { ModelSignature, SignatureEntry } from '../rocket/infer.js';
import type { TensorSignature } from '../rocket/types.js';

/** The number of dimensions of an input or output (0 when absent). */
export const rank = (entry: SignatureEntry | undefined): number => entry?.dims.length ?? 0;

/** The outputs that are tensors (scikit-learn's ZipMap maps and sequences left out). */
export const tensorOutputs = (signature: ModelSignature): SignatureEntry[] =>
  signature.outputs.filter((o) => (o.kind ?? 'tensor') === 'tensor');

/** The first output with one of these names, if any. */
export const outputNamed = (signature: ModelSignature, ...names: string[]): SignatureEntry | undefined =>
  signature.outputs.find((o) => names.includes(o.name));

/** The model's one tensor output, when it has exactly one. */
export function onlyOutput(signature: ModelSignature): SignatureEntry | undefined {
  const outputs = tensorOutputs(signature);
  return outputs.length === 1 ? outputs[0] : undefined;
}

/** True when a rank-4 image input is NHWC: dimension 3 holds 1 or 3 channels and dimension 1 does not. */
export function isNhwc(input: SignatureEntry | undefined): boolean {
  const isChannels = (d: number | string | undefined) => d === 1 || d === 3;
  return !isChannels(input?.dims[1]) && isChannels(input?.dims[3]);
}

/** `name [d0, d1, ...]` of each entry, for error messages. */
export const describeEntries = (entries: readonly SignatureEntry[], separator = ', '): string =>
  entries.map((e) => `${e.name} [${e.dims.join(', ')}]`).join(separator);

/** Every input and output with its shape, for error messages. */
export function describeSignature(signature: ModelSignature): string {
  return [
    `inputs: ${describeEntries(signature.inputs, '; ') || 'none'}`,
    `outputs: ${describeEntries(signature.outputs, '; ') || 'none'}`,
  ].join('\n  ');
}

/** A signature entry with its defaults filled in (a float32 tensor). */
export const toTensorSignature = (e: SignatureEntry): TensorSignature => ({
  name: e.name,
  kind: e.kind ?? 'tensor',
  elemType: e.elemType ?? 1,
  dims: e.dims,
});
