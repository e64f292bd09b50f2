/**
 * Facts about ONNX tensor data that need no protobuf: the element type codes, element counts and
 * byte order. Kept apart from proto.ts so that the inference workers and the v2 routes can use
 * them without loading protobufjs.
 */

/** ONNX `TensorProto.DataType` codes. */
// biome-ignore format: a table reads better packed
export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
} as const;

/** The number of elements of a tensor with these dims. */
export const elementCount = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Whether this machine stores numbers little-endian, as ONNX `raw_data` does. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Swaps elements of `size` bytes in place between little-endian (ONNX and the v2 wire format) and
 * the host's order; nothing to do on little-endian hosts.
 */
export function swapToHostOrder(bytes: Uint8Array, size: number): void {
  if (HOST_LITTLE_ENDIAN) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
