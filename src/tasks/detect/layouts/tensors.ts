/** Reading detector outputs whatever their batch dimension. */
import type { SignatureEntry } from '../../../rocket/infer.js';
import type { OutputView } from '../../types.js';

/** The values of an output as float32 (int64 labels become int32 through {@link asInt32}). */
export const floats = (view: OutputView | undefined): Float32Array => view?.data as Float32Array;

/** Integer class ids of an output (int64 or int32) as an Int32Array. */
export function asInt32(view: OutputView | undefined): Int32Array {
  const data = view?.data;
  if (data instanceof Int32Array) return data;
  if (data instanceof BigInt64Array) return Int32Array.from(data, (v) => Number(v));
  return Int32Array.from((data as Float32Array | undefined) ?? []);
}

/** Rows of an output whose last dimension is `width` (e.g. 4 for boxes). */
export const rowsOf = (view: OutputView | undefined, width: number): number =>
  Math.floor((view?.data.length ?? 0) / width);

/** The last dimension of an output, when fixed. */
export const lastDim = (entry: SignatureEntry | undefined): number | string | undefined => entry?.dims.at(-1);

/** The anchor count of an output `[1, N, k]`, `[N, k]` or `[1, N]`, when fixed. */
export function anchorCount(entry: SignatureEntry | undefined): number | undefined {
  if (!entry) return undefined;
  const dims = entry.dims;
  const n = dims.length >= 3 ? dims[1] : dims.length === 2 && dims[0] === 1 ? dims[1] : dims[0];
  return typeof n === 'number' ? n : undefined;
}
