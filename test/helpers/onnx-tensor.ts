/**
 * Reads a serialized ONNX `TensorProto` (the `.pb` files in the `test_data_set_N` folders of ONNX
 * models) into a typed array, for tests that check a model's outputs against them.
 */

import { DataType, elementCount, HOST_LITTLE_ENDIAN, swapToHostOrder } from '../../src/onnx/data-types.js';
import { decodeTensorProto, int64ToBigInt, int64ToNumber } from '../../src/onnx/proto.js';

/** Element arrays {@link decodeTensor} returns; STRING tensors give `string[]`, FLOAT16/BFLOAT16 raw bits. */
// biome-ignore format: a union reads better packed
export type TensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | string[];

/** A decoded `TensorProto`: row-major `data` with `dims` (product of dims = data.length). */
export interface DecodedTensor {
  name: string;
  dims: number[];
  /** ONNX `TensorProto.DataType` code ({@link DataType}). */
  dataType: number;
  data: TensorData;
}

type Ctor = {
  new (b: ArrayBuffer, o: number, n: number): Exclude<TensorData, string[]>;
  BYTES_PER_ELEMENT: number;
};
const D = DataType;
// biome-ignore format: a table reads better packed
const CTORS: Record<number, Ctor> = {
  [D.FLOAT]: Float32Array, [D.DOUBLE]: Float64Array, [D.INT8]: Int8Array, [D.UINT8]: Uint8Array,
  [D.BOOL]: Uint8Array, [D.INT16]: Int16Array, [D.UINT16]: Uint16Array, [D.FLOAT16]: Uint16Array,
  [D.BFLOAT16]: Uint16Array, [D.INT32]: Int32Array, [D.UINT32]: Uint32Array, [D.INT64]: BigInt64Array,
  [D.UINT64]: BigUint64Array,
};

/**
 * Decodes a serialized ONNX `TensorProto` (e.g. `test_data_set_0/output_0.pb`). Elements come from
 * `raw_data` (little-endian) or the typed fields (`float_data`, `int64_data`, ...). When `raw_data`
 * is aligned, `data` is a view into `bytes`, not a copy. Throws on external data, unsupported types
 * and element counts that do not match `dims`.
 */
export function decodeTensor(bytes: Uint8Array): DecodedTensor {
  const t = decodeTensorProto(bytes);
  const name = t.name ?? '';
  const dims = (t.dims ?? []).map(int64ToNumber);
  const dataType = t.dataType ?? 0;
  if (t.dataLocation === 1) throw new RangeError(`Tensor ${name} keeps its data in an external file`);
  const ctor = CTORS[dataType];
  let data: TensorData;
  if (dataType === D.STRING) data = (t.stringData ?? []).map((s) => Buffer.from(s).toString('utf8'));
  else if (!ctor) throw new RangeError(`Tensor ${name} has data type ${dataType}, which is not supported`);
  else if (t.rawData && t.rawData.byteLength > 0) data = fromRaw(ctor, t.rawData, name);
  else data = fromFields(dataType, t);
  const count = elementCount(dims);
  if (data.length !== count) {
    throw new RangeError(`Tensor ${name} has ${data.length} elements but dims [${dims}] need ${count}`);
  }
  return { name, dims, dataType, data };
}

function fromRaw(ctor: Ctor, raw: Uint8Array, name: string): TensorData {
  const size = ctor.BYTES_PER_ELEMENT;
  if (raw.byteLength % size !== 0) {
    throw new RangeError(`Tensor ${name} has ${raw.byteLength} raw bytes, not a multiple of ${size}`);
  }
  let src = raw;
  if (!HOST_LITTLE_ENDIAN || raw.byteOffset % size !== 0) src = new Uint8Array(raw); // aligned copy
  swapToHostOrder(src, size);
  return new ctor(src.buffer as ArrayBuffer, src.byteOffset, src.byteLength / size);
}

function fromFields(dataType: number, t: ReturnType<typeof decodeTensorProto>): TensorData {
  switch (dataType) {
    case D.FLOAT:
      return Float32Array.from(t.floatData ?? []);
    case D.DOUBLE:
      return Float64Array.from(t.doubleData ?? []);
    case D.INT64:
      return BigInt64Array.from((t.int64Data ?? []).map(int64ToBigInt));
    case D.UINT32:
      return Uint32Array.from((t.uint64Data ?? []).map(int64ToNumber));
    case D.UINT64:
      return BigUint64Array.from((t.uint64Data ?? []).map((v) => BigInt.asUintN(64, int64ToBigInt(v))));
    default:
      // INT32, and the narrower types, FLOAT16/BFLOAT16 bits and BOOL, are stored in int32_data.
      return (CTORS[dataType] as unknown as { from(a: number[]): TensorData }).from(t.int32Data ?? []);
  }
}
