/**
 * Tensor elements between the wire (JSON arrays, or the binary tensor data extension's
 * little-endian bytes) and the typed arrays onnxruntime takes.
 */
import { HOST_LITTLE_ENDIAN, swapToHostOrder } from '../onnx/data-types.js';
import { DATATYPES, type TensorArray, type V2Datatype } from './datatypes.js';
import { badRequest } from './errors.js';
import { fromHalfBits, toHalfBits } from './fp16.js';

/** Tensor elements: a typed array, or strings for BYTES. */
export type Elements = TensorArray | string[];

const INT_RANGE: Partial<Record<V2Datatype, [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

/** Flattens row-major JSON data (flat or nested arrays) into one array of elements. */
export function flatten(data: readonly unknown[]): unknown[] {
  if (!data.some(Array.isArray)) return data as unknown[];
  const out: unknown[] = [];
  const walk = (items: readonly unknown[]) => {
    for (const item of items) {
      if (Array.isArray(item)) walk(item);
      else out.push(item);
    }
  };
  walk(data);
  return out;
}

/** Converts flat JSON elements to `datatype`'s array; a wrong element is a 400 naming the input. */
export function fromJson(datatype: V2Datatype, items: readonly unknown[], input: string): Elements {
  const wrong = (i: number, what: string) =>
    badRequest(
      `Input "${input}" (${datatype}) element ${i}: expected ${what} but received ${JSON.stringify(items[i])}`,
    );
  if (datatype === 'BYTES') {
    return items.map((v, i) => {
      if (typeof v !== 'string') throw wrong(i, 'a string');
      return v;
    });
  }
  const Array_ = DATATYPES[datatype].array as NonNullable<(typeof DATATYPES)[V2Datatype]['array']>;
  const out = new Array_(items.length);
  const range = INT_RANGE[datatype];
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (datatype === 'BOOL') {
      if (v !== true && v !== false && v !== 0 && v !== 1) throw wrong(i, 'true or false');
      out[i] = v === true || v === 1 ? 1 : 0;
    } else if (typeof v !== 'number') {
      throw wrong(i, range ? 'an integer' : 'a number');
    } else if (range) {
      if (!Number.isInteger(v) || v < range[0] || v > range[1])
        throw wrong(i, `an integer from ${range[0]} to ${range[1]}`);
      out[i] = (datatype === 'INT64' || datatype === 'UINT64' ? BigInt(v) : v) as never;
    } else {
      out[i] = datatype === 'FP16' ? toHalfBits(v) : v;
    }
  }
  return out;
}

/** Reads `count` elements of `datatype` from little-endian bytes that must hold exactly them. */
export function fromBinary(datatype: V2Datatype, bytes: Uint8Array, count: number, input: string): Elements {
  if (datatype === 'BYTES') return stringsFromBinary(bytes, count, input);
  const Array_ = DATATYPES[datatype].array as NonNullable<(typeof DATATYPES)[V2Datatype]['array']>;
  const size = Array_.BYTES_PER_ELEMENT;
  if (bytes.length !== count * size) {
    throw badRequest(
      `Input "${input}": ${count} ${datatype} elements take ${count * size} bytes but binary_data_size is ${bytes.length}`,
    );
  }
  const out = new Array_(count); // a fresh, aligned buffer of its own (it is transferred to a worker)
  const raw = new Uint8Array(out.buffer);
  raw.set(bytes);
  swapToHostOrder(raw, size);
  if (datatype === 'BOOL') for (let i = 0; i < count; i++) out[i] = out[i] ? 1 : 0;
  return out;
}

/** BYTES in binary form: each element is a 4-byte little-endian length, then that many bytes. */
function stringsFromBinary(bytes: Uint8Array, count: number, input: string): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  const decoder = new TextDecoder();
  let at = 0;
  while (out.length < count) {
    if (at + 4 > bytes.length) break;
    const length = view.getUint32(at, true);
    if (at + 4 + length > bytes.length) break;
    out.push(decoder.decode(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  if (out.length !== count || at !== bytes.length) {
    throw badRequest(
      `Input "${input}": binary BYTES data must hold exactly ${count} length-prefixed elements in ${bytes.length} bytes`,
    );
  }
  return out;
}

/** The elements as the text of a JSON array (int64 exact, FP16 as numbers, non-finite as null). */
export function toJsonText(datatype: V2Datatype, data: Elements | boolean[]): string {
  if (datatype === 'BYTES') return JSON.stringify(data);
  if (datatype === 'BOOL')
    return `[${Array.from(data as ArrayLike<unknown>, (v) => (v ? 'true' : 'false')).join(',')}]`;
  if (datatype === 'FP16') {
    return `[${Array.from(data as Uint16Array, (b) => finite(fromHalfBits(b))).join(',')}]`;
  }
  if (datatype === 'FP32' || datatype === 'FP64') {
    const values = data as Float32Array | Float64Array;
    return values.every(Number.isFinite)
      ? `[${values.join(',')}]`
      : `[${Array.from(values, finite).join(',')}]`;
  }
  return `[${(data as TensorArray).join(',')}]`;
}

const finite = (v: number) => (Number.isFinite(v) ? String(v) : 'null');

/** The elements as the binary tensor data extension sends them (little-endian, BYTES length-prefixed). */
export function toBinary(datatype: V2Datatype, data: Elements | boolean[]): Buffer {
  if (datatype === 'BYTES') {
    const parts = (data as string[]).flatMap((s) => {
      const bytes = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    });
    return Buffer.concat(parts);
  }
  if (Array.isArray(data)) return Buffer.from(data.map((v) => (v ? 1 : 0)));
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN) return bytes;
  const copy = Buffer.from(bytes);
  swapToHostOrder(copy, data.BYTES_PER_ELEMENT);
  return copy;
}
