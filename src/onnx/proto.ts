/**
 * The subset of `onnx.proto` that rocketserve reads and writes, declared in code for protobufjs with
 * the real ONNX field numbers (proto2 semantics; the numeric arrays of TensorProto are packed).
 * Field names are the camelCase forms of the `.proto` names; nested types are flattened
 * (`TypeProto.Tensor` → `TypeTensor`), which does not change the wire format. Decoded `bytes`
 * fields are views into the input buffer, never copies.
 */
import protobuf from 'protobufjs';

/** `name:type=id`, `[]` marks a repeated field and `[p]` a packed one. */
const SCHEMA: Record<string, string> = {
  StringStringEntryProto: 'key:string=1 value:string=2',
  OperatorSetIdProto: 'domain:string=1 version:int64=2',
  TensorShapeProto: 'dim:Dimension[]=1',
  TypeProto:
    'tensorType:TypeTensor=1 sequenceType:TypeSequence=4 mapType:TypeMap=5 denotation:string=6 ' +
    'sparseTensorType:TypeTensor=8 optionalType:TypeSequence=9',
  TypeTensor: 'elemType:int32=1 shape:TensorShapeProto=2',
  TypeSequence: 'elemType:TypeProto=1',
  TypeMap: 'keyType:int32=1 valueType:TypeProto=2',
  ValueInfoProto: 'name:string=1 type:TypeProto=2 docString:string=3',
  TensorProto:
    'dims:int64[]=1 dataType:int32=2 floatData:float[p]=4 int32Data:int32[p]=5 stringData:bytes[]=6 ' +
    'int64Data:int64[p]=7 name:string=8 rawData:bytes=9 doubleData:double[p]=10 uint64Data:uint64[p]=11 ' +
    'docString:string=12 externalData:StringStringEntryProto[]=13 dataLocation:int32=14',
  AttributeProto:
    'name:string=1 f:float=2 i:int64=3 s:bytes=4 t:TensorProto=5 g:GraphProto=6 floats:float[]=7 ' +
    'ints:int64[]=8 strings:bytes[]=9 tensors:TensorProto[]=10 graphs:GraphProto[]=11 docString:string=13 ' +
    'type:int32=20 refAttrName:string=21',
  NodeProto:
    'input:string[]=1 output:string[]=2 name:string=3 opType:string=4 attribute:AttributeProto[]=5 ' +
    'docString:string=6 domain:string=7',
  GraphProto:
    'node:NodeProto[]=1 name:string=2 initializer:TensorProto[]=5 docString:string=10 ' +
    'input:ValueInfoProto[]=11 output:ValueInfoProto[]=12 valueInfo:ValueInfoProto[]=13',
  ModelProto:
    'irVersion:int64=1 producerName:string=2 producerVersion:string=3 domain:string=4 modelVersion:int64=5 ' +
    'docString:string=6 graph:GraphProto=7 opsetImport:OperatorSetIdProto[]=8 ' +
    'metadataProps:StringStringEntryProto[]=14',
};

function fieldsOf(spec: string): Record<string, object> {
  const fields: Record<string, object> = {};
  for (const item of spec.split(' ')) {
    const [, name, type, rule, id] = /^(\w+):(\w+)(\[p?\])?=(\d+)$/.exec(item) ?? [];
    if (!name || !type || !id) throw new Error(`bad schema field ${item}`);
    fields[name] = { type, id: Number(id), ...(rule ? { rule: 'repeated' } : {}) };
    if (rule === '[p]') Object.assign(fields[name], { options: { packed: true } });
  }
  return fields;
}

const nested: Record<string, object> = {
  // TensorShapeProto.Dimension: `oneof value { int64 dim_value = 1; string dim_param = 2; }`.
  Dimension: {
    oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
    fields: fieldsOf('dimValue:int64=1 dimParam:string=2 denotation:string=3'),
  },
};
for (const [name, spec] of Object.entries(SCHEMA)) nested[name] = { fields: fieldsOf(spec) };
const root = protobuf.Root.fromJSON({ nested: { onnx: { nested } } });
const modelType = root.lookupType('onnx.ModelProto');
const tensorType = root.lookupType('onnx.TensorProto');

/** A protobuf int64 as protobufjs hands it out: a number, or a `Long` when the `long` package is loaded. */
export type Int64 = number | { toNumber(): number; low: number; high: number };

/** ONNX `AttributeProto.AttributeType` codes (the subset rocketserve writes). */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** `StringStringEntryProto`. */
export type StringEntry = { key: string; value: string };

/** `TensorShapeProto.Dimension`; `value` names the oneof member that is set, if any. */
export type DimensionProto = { dimValue?: Int64; dimParam?: string; value?: 'dimValue' | 'dimParam' };

/** `TypeProto.Tensor` (also used for `sparse_tensor_type`). */
export type TypeTensorProto = { elemType?: number; shape?: { dim?: DimensionProto[] } | null };

/** `TypeProto`: which member is set tells the kind of value (tensor, sequence, map, ...). */
export interface TypeProto {
  tensorType?: TypeTensorProto | null;
  sparseTensorType?: TypeTensorProto | null;
  sequenceType?: { elemType?: TypeProto | null } | null;
  optionalType?: { elemType?: TypeProto | null } | null;
  mapType?: { keyType?: number; valueType?: TypeProto | null } | null;
}

/** `ValueInfoProto`. */
export type ValueInfoProto = { name?: string; type?: TypeProto | null; docString?: string };

/** `TensorProto` (no segments). `rawData` holds the elements as little-endian bytes; `dataLocation` 1 = external. */
// biome-ignore format: compact field list
export interface TensorProto {
  name?: string; dims?: Int64[]; dataType?: number; rawData?: Uint8Array; floatData?: number[];
  int32Data?: number[]; int64Data?: Int64[]; doubleData?: number[]; uint64Data?: Int64[];
  stringData?: Uint8Array[]; externalData?: StringEntry[]; dataLocation?: number; docString?: string;
}

/** `AttributeProto`; `type` is an {@link AttributeType} code. */
// biome-ignore format: compact field list
export interface AttributeProto {
  name: string; type: number; f?: number; i?: Int64; s?: Uint8Array; t?: TensorProto | null;
  floats?: number[]; ints?: Int64[]; strings?: Uint8Array[];
}

/** `NodeProto`. */
// biome-ignore format: compact field list
export interface NodeProto {
  input: string[]; output: string[]; opType: string; name?: string; domain?: string; attribute?: AttributeProto[];
}

/** `GraphProto`. */
// biome-ignore format: compact field list
export interface GraphProto {
  name?: string; node?: NodeProto[]; initializer?: TensorProto[]; input?: ValueInfoProto[];
  output?: ValueInfoProto[]; valueInfo?: ValueInfoProto[]; docString?: string;
}

/** `ModelProto`. */
// biome-ignore format: compact field list
export interface ModelProto {
  irVersion?: Int64; opsetImport?: { domain?: string; version?: Int64 }[]; producerName?: string;
  producerVersion?: string; domain?: string; modelVersion?: Int64; docString?: string;
  graph?: GraphProto | null; metadataProps?: StringEntry[];
}

/** Decodes serialized `ModelProto` bytes. Throws when the bytes are not valid protobuf. */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  return modelType.decode(bytes) as ModelProto;
}

/** Serializes a `ModelProto` given as a plain object with the fields above. */
export function encodeModelProto(model: ModelProto): Uint8Array {
  return modelType.encode(model).finish();
}

/** Serializes a `TensorProto` given as a plain object (e.g. to write an ONNX `.pb` test tensor). */
export function encodeTensorProto(tensor: TensorProto): Uint8Array {
  return tensorType.encode(tensor).finish();
}

/** Decodes serialized `TensorProto` bytes (for example an ONNX `test_data_set_*` `.pb` file). */
export function decodeTensorProto(bytes: Uint8Array): TensorProto {
  return tensorType.decode(bytes) as TensorProto;
}

/** An int64 from protobufjs as a number (exact up to 2^53); `undefined` reads as 0. */
export function int64ToNumber(v: Int64 | undefined): number {
  return v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();
}

/** An int64 from protobufjs as an exact bigint. */
export function int64ToBigInt(v: Int64): bigint {
  return typeof v === 'number' ? BigInt(v) : (BigInt(v.high) << 32n) | BigInt(v.low >>> 0);
}
