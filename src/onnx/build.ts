/**
 * A tiny builder for ONNX models written in code (test models, the demo detector). It tracks names
 * and writes a `ModelProto`; it does not check shapes or operator semantics (onnxruntime does that
 * when it loads the model).
 */
import { DataType, elementCount, swapToHostOrder } from './data-types.js';
import {
  type AttributeProto,
  AttributeType,
  encodeModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** Element arrays the builder stores as initializers / tensor attributes; the array type sets the ONNX type. */
export type TensorValues = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** A tensor: its elements (row-major) and dims; dims default to `[values.length]`. */
export interface TensorInit {
  values: TensorValues;
  dims?: readonly number[];
}

/** An attribute value, tagged with its ONNX attribute type. */
export type AttributeValue =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string }
  | { tensor: TensorInit };

/** Element type names accepted for graph inputs and outputs. */
export type ElemType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool' | 'string';

const D = DataType;
// biome-ignore format: a table reads better packed
const ELEM: Record<ElemType, number> = {
  float32: D.FLOAT, float64: D.DOUBLE, int32: D.INT32, int64: D.INT64, uint8: D.UINT8, int8: D.INT8,
  bool: D.BOOL, string: D.STRING,
};
// biome-ignore format: a table reads better packed
const TYPED: [abstract new (...args: never[]) => TensorValues, number][] = [
  [Float32Array, D.FLOAT], [Float64Array, D.DOUBLE], [Int32Array, D.INT32], [BigInt64Array, D.INT64],
  [Uint8Array, D.UINT8], [Int8Array, D.INT8],
];
const dataTypeOf = (v: TensorValues) => TYPED.find(([ctor]) => v instanceof ctor)?.[1] ?? D.UINT8;

/** A `TensorProto` holding a copy of `values` as little-endian `raw_data`. */
function tensorProto(name: string, { values, dims = [values.length] }: TensorInit): TensorProto {
  const count = elementCount(dims);
  if (count !== values.length) {
    throw new RangeError(
      `Expected ${count} values for tensor ${name} [${dims}] but received ${values.length}`,
    );
  }
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  swapToHostOrder(rawData, values.BYTES_PER_ELEMENT);
  return { name, dims: [...dims], dataType: dataTypeOf(values), rawData };
}

function attributeProto(name: string, v: AttributeValue): AttributeProto {
  const T = AttributeType;
  if ('int' in v) return { name, type: T.INT, i: v.int };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('ints' in v) return { name, type: T.INTS, ints: [...v.ints] };
  if ('floats' in v) return { name, type: T.FLOATS, floats: [...v.floats] };
  if ('string' in v) return { name, type: T.STRING, s: Buffer.from(v.string, 'utf8') };
  return { name, type: T.TENSOR, t: tensorProto(name, v.tensor) };
}

function valueInfo(name: string, elemType: ElemType, dims?: readonly (number | string)[]): ValueInfoProto {
  const shape = dims && { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType: { elemType: ELEM[elemType], ...(shape ? { shape } : {}) } } };
}

/** Options of a {@link GraphBuilder}: graph name (`main`), default-domain opset (17), IR version (8), producer. */
// biome-ignore format: compact field list
export interface GraphOptions { name?: string; opset?: number; irVersion?: number; producerName?: string }

/** Builds one ONNX model. Methods that create values return their names. */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly meta = new Map<string, string>();
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly cache = new Map<string, string>();

  constructor(private readonly options: GraphOptions = {}) {}

  /** A fresh value name starting with `base`. */
  uniqueName(base: string): string {
    let i = this.counters.get(base) ?? 0;
    let name = i === 0 ? base : `${base}_${i}`;
    while (this.names.has(name)) name = `${base}_${++i}`;
    this.counters.set(base, i + 1);
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new RangeError(`Value name ${name} is already used in this graph`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input; `dims` holds sizes or symbolic names (`'batch'`); omit it for an unknown shape. */
  input(name: string, elemType: ElemType, dims?: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declares an existing value (e.g. a node output) as a graph output. */
  output(name: string, elemType: ElemType, dims?: readonly (number | string)[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Adds a constant tensor (initializer); `name` gets a numeric suffix if already taken. Returns the name. */
  initializer(name: string, values: TensorValues, dims?: readonly number[]): string {
    const unique = this.uniqueName(name);
    this.inits.push(tensorProto(unique, { values, ...(dims ? { dims } : {}) }));
    return unique;
  }

  /** A float32 constant of shape [1] (one initializer per distinct value). */
  scalar(value: number): string {
    return this.cached(`f${value}`, () => this.initializer('scalar', new Float32Array([value]), [1]));
  }

  /** A 1-D int64 constant, e.g. for shapes, axes and pads (one initializer per distinct list). */
  int64s(...values: number[]): string {
    return this.cached(`i${values}`, () => this.initializer('ints', BigInt64Array.from(values.map(BigInt))));
  }

  private cached(key: string, make: () => string): string {
    return this.cache.get(key) ?? (this.cache.set(key, make()).get(key) as string);
  }

  /**
   * Adds a node and returns its output names: `outputs` names them (names must be unused), or
   * says how many to create (default 1, named after the operator).
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const names =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.uniqueName(opType.toLowerCase()))
        : outputs.map((o) => this.claim(o));
    const attribute = Object.entries(attributes).map(([k, v]) => attributeProto(k, v));
    const name = this.uniqueName(`${opType}_node`);
    this.nodes.push({ opType, input: [...inputs], output: names, name, attribute });
    return names;
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, attributes)[0] as string;
  }

  /** Sets a `metadata_props` entry. */
  metadata(key: string, value: string): this {
    this.meta.set(key, value);
    return this;
  }

  /** Serializes the model (`ModelProto`). */
  toBytes(): Uint8Array {
    const { name = 'main', opset = 17, irVersion = 8, producerName = 'rocketserve' } = this.options;
    return encodeModelProto({
      irVersion,
      producerName,
      opsetImport: [{ domain: '', version: opset }],
      metadataProps: [...this.meta].map(([key, value]) => ({ key, value })),
      graph: { name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    });
  }
}
