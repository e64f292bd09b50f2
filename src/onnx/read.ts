/**
 * Reads what rocketserve needs of an ONNX model without running it: its signature and metadata
 * ({@link readModelInfo}), through the wire-format reader of signature.ts (no protobufjs).
 */
import { decodeModelSignature, type TypeProto, type ValueInfoProto } from './signature.js';

/** What kind of value a graph input or output carries (`map`/`sequence`: e.g. scikit-learn's ZipMap). */
export type ValueKind = 'tensor' | 'sparse_tensor' | 'sequence' | 'map' | 'optional' | 'unknown';

/** A graph input or output. */
export interface ValueInfo {
  name: string;
  kind: ValueKind;
  /** ONNX `TensorProto.DataType` code of the elements ({@link DataType}); 0 when not a tensor. */
  elemType: number;
  /** Fixed sizes as numbers, symbolic sizes by name (`'batch_size'`), unknown sizes as `'?'`. */
  dims: (number | string)[];
}

/** The signature and metadata of an ONNX model. */
export interface ModelInfo {
  irVersion: number;
  /** Operator sets; the default ONNX domain is `''` (as stored in the file). */
  opsetImports: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  /** `metadata_props` as a plain object (for Ultralytics exports: `names`, `imgsz`, `stride`, `task`, ...). */
  metadata: Record<string, string>;
  /** Graph inputs that are fed at run time (inputs that are also initializers are left out). */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /**
   * Graph inputs that are also initializers: old exporters (IR < 4) list every weight as an input,
   * which keeps onnxruntime from constant-folding them (it warns once per weight).
   */
  initializerInputs: number;
}

/** Reads the signature and metadata of a serialized ONNX `ModelProto`. Throws on bytes that are not one. */
export function readModelInfo(bytes: Uint8Array): ModelInfo {
  const model = decodeModelSignature(bytes);
  const graph = model.graph;
  if (!graph) throw new TypeError('Expected an ONNX ModelProto with a graph but found none');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const metadata: Record<string, string> = {};
  for (const { key, value } of model.metadataProps ?? []) metadata[key] = value;
  return {
    irVersion: model.irVersion ?? 0,
    opsetImports: (model.opsetImport ?? []).map((o) => ({
      domain: o.domain ?? '',
      version: o.version ?? 0,
    })),
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    metadata,
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    initializerInputs: (graph.input ?? []).filter((v) => initializers.has(v.name ?? '')).length,
  };
}

const KINDS = {
  tensorType: 'tensor',
  sparseTensorType: 'sparse_tensor',
  sequenceType: 'sequence',
  mapType: 'map',
  optionalType: 'optional',
} as const satisfies Record<keyof TypeProto, ValueKind>;

function valueInfo(v: ValueInfoProto): ValueInfo {
  const type: TypeProto = v.type ?? {};
  const tensor = type.tensorType ?? type.sparseTensorType;
  const member = (Object.keys(KINDS) as (keyof typeof KINDS)[]).find((m) => type[m]);
  const kind = member ? KINDS[member] : 'unknown';
  const dims = (tensor?.shape?.dim ?? []).map((d) =>
    d.value === 'dimValue' ? (d.dimValue ?? 0) : d.value === 'dimParam' ? (d.dimParam ?? '?') : '?',
  );
  return { name: v.name ?? '', kind, elemType: tensor?.elemType ?? 0, dims };
}
