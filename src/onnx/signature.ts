/**
 * Reads a model's signature from a serialized ONNX `ModelProto`, straight from the protobuf wire
 * format: its header, metadata, opsets, and its graph's inputs, outputs and initializer names. The
 * nodes and the weights are skipped without being read.
 *
 * This is the one ONNX read on a server's start path. protobufjs (proto.ts, which builds test
 * models and reads tensors) loads about 275 KB of code and compiles a decoder for each message type
 * the first time it is used; this reader needs neither, and the first answer of a cold start came
 * sooner without it (docs/operations.md, "Cold start"). test/onnx/signature.test.ts holds it to
 * protobufjs's reading of the same bytes.
 */

/** `TensorShapeProto.Dimension`; `value` names the member of its oneof that is set, if any. */
export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
  value?: 'dimValue' | 'dimParam';
}

/** `TypeProto.Tensor` (also `TypeProto.SparseTensor`). */
export interface TensorTypeProto {
  elemType?: number;
  shape?: { dim?: DimensionProto[] };
}

/** `TypeProto`: which member is set tells the kind of value (tensor, sequence, map, ...). */
export interface TypeProto {
  tensorType?: TensorTypeProto;
  sparseTensorType?: TensorTypeProto;
  sequenceType?: { elemType?: TypeProto };
  optionalType?: { elemType?: TypeProto };
  mapType?: { keyType?: number; valueType?: TypeProto };
}

/** `ValueInfoProto`: a graph input or output. */
export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
}

/** `StringStringEntryProto`. */
export interface StringEntry {
  key: string;
  value: string;
}

/** `OperatorSetIdProto`. */
export interface OpsetProto {
  domain?: string;
  version?: number;
}

/** What {@link decodeModelSignature} reads of a `ModelProto`; int64 fields as numbers. */
export interface ModelSignatureProto {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  opsetImport?: OpsetProto[];
  metadataProps?: StringEntry[];
  graph?: { initializer?: { name?: string }[]; input?: ValueInfoProto[]; output?: ValueInfoProto[] };
}

/** Protobuf wire types: a varint, 8 bytes, a length-delimited run, 4 bytes (groups are not used by ONNX). */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

const utf8 = new TextDecoder('utf-8');

/** A cursor over one message's bytes. Throws a RangeError on bytes that end inside a field. */
class WireReader {
  constructor(
    private readonly bytes: Uint8Array,
    private pos: number,
    private readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new RangeError(`the message ends inside a field (byte ${this.pos})`);
    return this.bytes[this.pos++] as number;
  }

  /** A varint as a number: int64 fields exactly up to 2^53, negative ones as their two's complement says. */
  int64(): number {
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      const bits = b & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= (bits & 0x0f) << 28;
        high |= bits >> 4;
      } else high |= bits << (7 * i - 32);
      if (b < 0x80) return (high | 0) * 2 ** 32 + (low >>> 0);
    }
    throw new RangeError('a varint is longer than 10 bytes');
  }

  /** An int32 varint (negative values are sent as 10 bytes). */
  int32(): number {
    return this.int64() | 0;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.int64();
    return { field: Math.floor(key / 8), wire: key % 8 };
  }

  /** A length-delimited field as a reader of its own bytes. */
  message(): WireReader {
    const length = this.int64();
    const start = this.pos;
    if (length > this.end - start) throw new RangeError(`a field of ${length} bytes runs past its message`);
    this.pos += length;
    return new WireReader(this.bytes, start, start + length);
  }

  string(): string {
    const field = this.message();
    return utf8.decode(this.bytes.subarray(field.pos, field.end));
  }

  /** Steps over a field this reader does not keep. */
  skip(wire: number): void {
    if (wire === VARINT) this.int64();
    else if (wire === LENGTH) this.message();
    else if (wire === FIXED64 || wire === FIXED32) {
      const size = wire === FIXED64 ? 8 : 4;
      if (size > this.end - this.pos)
        throw new RangeError(`the message ends inside a field (byte ${this.pos})`);
      this.pos += size;
    } else throw new RangeError(`wire type ${wire} is not one an ONNX model uses`);
  }
}

/** What a message's fields become: per field number, its wire type and how it is read into `out`. */
type Fields<T> = Record<number, [wire: number, read: (r: WireReader, out: T) => void]>;

/** Reads a message's fields into a new object; fields not in `fields` are skipped. */
function readMessage<T extends object>(r: WireReader, name: string, fields: Fields<T>): T {
  const out = {} as T;
  while (!r.done) {
    const { field, wire } = r.tag();
    const known = fields[field];
    if (!known) {
      r.skip(wire);
      continue;
    }
    if (wire !== known[0]) {
      throw new RangeError(`field ${field} of ${name} has wire type ${wire}, where ONNX has ${known[0]}`);
    }
    known[1](r, out);
  }
  return out;
}

/** Appends to the repeated field `key` of `out`. */
function push<T, K extends keyof T>(
  out: T,
  key: K,
  value: NonNullable<T[K]> extends (infer E)[] ? E : never,
) {
  const list = (out[key] ?? []) as unknown[];
  list.push(value);
  out[key] = list as T[K];
}

const DIMENSION: Fields<DimensionProto> = {
  // `oneof value`: the member read last is the one set.
  1: [VARINT, (r, d) => Object.assign(d, { dimValue: r.int64(), dimParam: undefined, value: 'dimValue' })],
  2: [LENGTH, (r, d) => Object.assign(d, { dimParam: r.string(), dimValue: undefined, value: 'dimParam' })],
};

const TENSOR_TYPE: Fields<TensorTypeProto> = {
  1: [VARINT, (r, t) => (t.elemType = r.int32())],
  2: [
    LENGTH,
    (r, t) => {
      t.shape = readMessage(r.message(), 'TensorShapeProto', {
        1: [
          LENGTH,
          (s, shape: { dim?: DimensionProto[] }) =>
            push(shape, 'dim', readMessage(s.message(), 'Dimension', DIMENSION)),
        ],
      });
    },
  ],
};

const typeProto = (r: WireReader): TypeProto => readMessage(r.message(), 'TypeProto', TYPE);
const elementType = (r: WireReader) =>
  readMessage(r.message(), 'TypeProto', {
    1: [LENGTH, (e, out: { elemType?: TypeProto }) => (out.elemType = typeProto(e))],
  });

const TYPE: Fields<TypeProto> = {
  1: [LENGTH, (r, t) => (t.tensorType = readMessage(r.message(), 'TypeProto.Tensor', TENSOR_TYPE))],
  4: [LENGTH, (r, t) => (t.sequenceType = elementType(r))],
  5: [
    LENGTH,
    (r, t) => {
      t.mapType = readMessage(r.message(), 'TypeProto.Map', {
        1: [VARINT, (m, map: NonNullable<TypeProto['mapType']>) => (map.keyType = m.int32())],
        2: [LENGTH, (m, map: NonNullable<TypeProto['mapType']>) => (map.valueType = typeProto(m))],
      });
    },
  ],
  8: [
    LENGTH,
    (r, t) => (t.sparseTensorType = readMessage(r.message(), 'TypeProto.SparseTensor', TENSOR_TYPE)),
  ],
  9: [LENGTH, (r, t) => (t.optionalType = elementType(r))],
};

const VALUE_INFO: Fields<ValueInfoProto> = {
  1: [LENGTH, (r, v) => (v.name = r.string())],
  2: [LENGTH, (r, v) => (v.type = typeProto(r))],
};

type Graph = NonNullable<ModelSignatureProto['graph']>;
const GRAPH: Fields<Graph> = {
  5: [
    LENGTH,
    (r, g) =>
      push(
        g,
        'initializer',
        readMessage(r.message(), 'TensorProto', {
          8: [LENGTH, (t, out: { name?: string }) => (out.name = t.string())],
        }),
      ),
  ],
  11: [LENGTH, (r, g) => push(g, 'input', readMessage(r.message(), 'ValueInfoProto', VALUE_INFO))],
  12: [LENGTH, (r, g) => push(g, 'output', readMessage(r.message(), 'ValueInfoProto', VALUE_INFO))],
};

const MODEL: Fields<ModelSignatureProto> = {
  1: [VARINT, (r, m) => (m.irVersion = r.int64())],
  2: [LENGTH, (r, m) => (m.producerName = r.string())],
  3: [LENGTH, (r, m) => (m.producerVersion = r.string())],
  7: [LENGTH, (r, m) => (m.graph = readMessage(r.message(), 'GraphProto', GRAPH))],
  8: [
    LENGTH,
    (r, m) =>
      push(
        m,
        'opsetImport',
        readMessage(r.message(), 'OperatorSetIdProto', {
          1: [LENGTH, (o, out: OpsetProto) => (out.domain = o.string())],
          2: [VARINT, (o, out: OpsetProto) => (out.version = o.int64())],
        }),
      ),
  ],
  14: [
    LENGTH,
    (r, m) =>
      push(
        m,
        'metadataProps',
        // An absent key or value is the empty string, protobuf's default.
        {
          key: '',
          value: '',
          ...readMessage(r.message(), 'StringStringEntryProto', {
            1: [LENGTH, (e, out: Partial<StringEntry>) => (out.key = e.string())],
            2: [LENGTH, (e, out: Partial<StringEntry>) => (out.value = e.string())],
          }),
        },
      ),
  ],
};

/**
 * Decodes the signature of serialized `ModelProto` bytes. Throws a RangeError on bytes that are
 * not protobuf, or whose fields do not have the types ONNX gives them.
 */
export function decodeModelSignature(bytes: Uint8Array): ModelSignatureProto {
  return readMessage(new WireReader(bytes, 0, bytes.length), 'ModelProto', MODEL);
}
