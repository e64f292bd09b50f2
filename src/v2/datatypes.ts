import { DataType } from '../onnx/data-types.js';
/**
 * Open Inference Protocol (v2) tensor datatypes and how they map to onnxruntime's tensor types and
 * ONNX `TensorProto.DataType` codes.
 */

/** Every datatype the protocol defines that onnxruntime-node can feed and return. */
export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

/** A v2 datatype name. */
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** A typed array an element of a fixed-size datatype is stored in (FP16 as its raw bits). */
export type TensorArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

type ArrayCtor = { new (length: number): TensorArray; BYTES_PER_ELEMENT: number };

/** How one datatype is represented: onnxruntime's type name, the ONNX code, the array type. */
export interface DatatypeInfo {
  /** onnxruntime-node's tensor type name (`float32`, `int64`, `bool`, `string`, ...). */
  ort: string;
  /** ONNX `TensorProto.DataType` code. */
  onnx: number;
  /** The typed array of fixed-size types; undefined for BYTES (strings). */
  array?: ArrayCtor;
}

// biome-ignore format: a table reads better packed
export const DATATYPES: Record<V2Datatype, DatatypeInfo> = {
  BOOL: { ort: 'bool', onnx: DataType.BOOL, array: Uint8Array },
  UINT8: { ort: 'uint8', onnx: DataType.UINT8, array: Uint8Array },
  UINT16: { ort: 'uint16', onnx: DataType.UINT16, array: Uint16Array },
  UINT32: { ort: 'uint32', onnx: DataType.UINT32, array: Uint32Array },
  UINT64: { ort: 'uint64', onnx: DataType.UINT64, array: BigUint64Array },
  INT8: { ort: 'int8', onnx: DataType.INT8, array: Int8Array },
  INT16: { ort: 'int16', onnx: DataType.INT16, array: Int16Array },
  INT32: { ort: 'int32', onnx: DataType.INT32, array: Int32Array },
  INT64: { ort: 'int64', onnx: DataType.INT64, array: BigInt64Array },
  FP16: { ort: 'float16', onnx: DataType.FLOAT16, array: Uint16Array },
  FP32: { ort: 'float32', onnx: DataType.FLOAT, array: Float32Array },
  FP64: { ort: 'float64', onnx: DataType.DOUBLE, array: Float64Array },
  BYTES: { ort: 'string', onnx: DataType.STRING },
};

/** The v2 datatype of an ONNX element type code, or undefined (e.g. BFLOAT16, complex). */
export function datatypeOfElemType(code: number): V2Datatype | undefined {
  return V2_DATATYPES.find((d) => DATATYPES[d].onnx === code);
}

/** The v2 datatype of an onnxruntime tensor type name, or undefined. */
export function datatypeOfOrtType(type: string): V2Datatype | undefined {
  return V2_DATATYPES.find((d) => DATATYPES[d].ort === type);
}
