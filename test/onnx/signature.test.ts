import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeModelProto,
  encodeModelProto,
  type GraphProto,
  type ModelProto,
  type TypeProto,
  type ValueInfoProto,
} from '../../src/onnx/proto.js';
import { decodeModelSignature } from '../../src/onnx/signature.js';
import { createRandom } from '../helpers/random.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';

// decodeModelSignature (our wire-format reader) against protobufjs's decoding of the same bytes
// (proto.ts's full ModelProto, cut down to the fields a signature has).

type Plain = Record<string, unknown>;

/** An int64 as protobufjs hands it out (a number, or a Long) as a number. */
const num = (v: unknown) =>
  v === undefined || v === null
    ? undefined
    : typeof v === 'number'
      ? v
      : (v as { toNumber(): number }).toNumber();

/** Drops the keys whose value is undefined or null (protobufjs's default for an absent message), so that absent and unset compare equal. */
const defined = (o: Plain): Plain =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

function typeOf(t: TypeProto | null | undefined): Plain | undefined {
  if (!t) return undefined;
  const tensor = (x: TypeProto['tensorType']) =>
    x &&
    defined({
      elemType: x.elemType || undefined,
      shape:
        x.shape &&
        defined({
          dim: x.shape.dim?.length
            ? x.shape.dim.map((d) =>
                defined({
                  // protobufjs keeps the default of the member not set: only the one set counts.
                  member: d.value,
                  dimValue: d.value === 'dimValue' ? num(d.dimValue) : undefined,
                  dimParam: d.value === 'dimParam' ? d.dimParam : undefined,
                }),
              )
            : undefined,
        }),
    });
  const element = (x: { elemType?: TypeProto | null } | null | undefined) =>
    x && defined({ elemType: typeOf(x.elemType) });
  return defined({
    tensorType: tensor(t.tensorType),
    sparseTensorType: tensor(t.sparseTensorType),
    sequenceType: element(t.sequenceType),
    optionalType: element(t.optionalType),
    mapType:
      t.mapType &&
      defined({ keyType: t.mapType.keyType || undefined, valueType: typeOf(t.mapType.valueType) }),
  });
}

const valueInfoOf = (v: ValueInfoProto) => defined({ name: v.name || undefined, type: typeOf(v.type) });
const listOf = <T>(items: T[] | undefined, each: (item: T) => unknown) =>
  items?.length ? items.map(each) : undefined;

/** What a signature holds of a model decoded by protobufjs, or by decodeModelSignature, in one form. */
function signatureOf(
  model: Pick<ModelProto, 'producerName' | 'producerVersion' | 'metadataProps'> & Plain,
): Plain {
  const graph = model.graph as GraphProto | undefined | null;
  return defined({
    irVersion: num(model.irVersion) || undefined,
    producerName: model.producerName || undefined,
    producerVersion: model.producerVersion || undefined,
    opsetImport: listOf(model.opsetImport as { domain?: string; version?: unknown }[], (o) =>
      defined({ domain: o.domain || undefined, version: num(o.version) || undefined }),
    ),
    metadataProps: listOf(model.metadataProps, (e) => ({ key: e.key ?? '', value: e.value ?? '' })),
    graph:
      graph &&
      defined({
        initializer: listOf(graph.initializer, (t) => defined({ name: t.name || undefined })),
        input: listOf(graph.input, valueInfoOf),
        output: listOf(graph.output, valueInfoOf),
      }),
  });
}

const ours = (bytes: Uint8Array) => signatureOf(decodeModelSignature(bytes) as Plain);
const protobufjs = (bytes: Uint8Array) => signatureOf(decodeModelProto(bytes) as unknown as Plain);

/** A random model: a signature with every kind of value, and nodes, weights and doc strings to skip. */
function randomModel(seed: number): ModelProto {
  const random = createRandom(seed);
  const text = () =>
    random.pick(['', 'x', 'images', 'batch_size', 'étiquette', '名前', 'a'.repeat(random.int(100, 300))]);
  const dim = () =>
    random.pick([
      () => ({}),
      () => ({ dimValue: random.int(0, 4096) }),
      () => ({ dimValue: random.pick([-1, 2 ** 40 + random.int(0, 99), 2 ** 31]) }),
      () => ({ dimParam: text() || 'n' }),
    ])();
  const tensor = () =>
    random.next() < 0.2
      ? { elemType: random.int(0, 16) }
      : { elemType: random.int(1, 16), shape: { dim: Array.from({ length: random.int(0, 5) }, dim) } };
  const type = (depth: number): TypeProto => {
    const kind = depth > 2 ? 0 : random.int(0, 4);
    if (kind === 0) return { tensorType: tensor() };
    if (kind === 1) return { sparseTensorType: tensor() };
    if (kind === 2) return { sequenceType: { elemType: type(depth + 1) } };
    if (kind === 3) return { mapType: { keyType: random.pick([7, 8]), valueType: type(depth + 1) } };
    return { optionalType: { elemType: type(depth + 1) } };
  };
  const valueInfo = (): ValueInfoProto => ({
    name: text(),
    type: type(0),
    ...(random.next() < 0.3 ? { docString: text() } : {}),
  });
  const inputs = Array.from({ length: random.int(0, 4) }, valueInfo);
  return {
    irVersion: random.pick([1, 3, 8, 10, 2 ** 33]),
    producerName: text(),
    producerVersion: text(),
    domain: text(),
    modelVersion: random.int(0, 9),
    docString: text(),
    opsetImport: Array.from({ length: random.int(0, 3) }, () => ({
      domain: random.pick(['', 'ai.onnx.ml', 'com.microsoft']),
      version: random.int(1, 30),
    })),
    metadataProps: Array.from({ length: random.int(0, 4) }, () => ({ key: text(), value: text() })),
    graph: {
      name: text(),
      node: Array.from({ length: random.int(0, 5) }, () => ({
        input: [text()],
        output: [text()],
        opType: random.pick(['Conv', 'Relu', 'Concat']),
        attribute: [{ name: 'axis', type: 2, i: random.int(-3, 3) }],
      })),
      initializer: [
        ...inputs
          .filter(() => random.next() < 0.5)
          .map((v) => ({ name: v.name, dims: [1], dataType: 1, floatData: [1] })),
        { name: 'weight', dims: [4], dataType: 1, rawData: random.bytes(16) },
      ],
      input: inputs,
      output: Array.from({ length: random.int(0, 4) }, valueInfo),
      valueInfo: [valueInfo()],
    },
  };
}

describe('decodeModelSignature', () => {
  it('reads what protobufjs reads of 300 random models', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = encodeModelProto(randomModel(seed));
      expect(ours(bytes), `seed ${seed}`).toEqual(protobufjs(bytes));
    }
  });

  it('keeps int64 fields exact up to 2^53, negative ones included', () => {
    const bytes = encodeModelProto({
      irVersion: 2 ** 52 + 1,
      graph: {
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: -1 }, { dimValue: 2 ** 45 }] } } },
          },
        ],
      },
    });
    const signature = decodeModelSignature(bytes);
    expect(signature.irVersion).toBe(2 ** 52 + 1);
    expect(signature.graph?.input?.[0]?.type?.tensorType?.shape?.dim).toEqual([
      { dimValue: -1, dimParam: undefined, value: 'dimValue' },
      { dimValue: 2 ** 45, dimParam: undefined, value: 'dimValue' },
    ]);
  });

  it('throws where protobufjs throws on a model cut short, at every length', () => {
    const bytes = encodeModelProto(randomModel(7));
    for (let length = 0; length < bytes.length; length++) {
      const cut = bytes.subarray(0, length);
      let expected: unknown;
      try {
        expected = protobufjs(cut);
      } catch {
        expect(() => decodeModelSignature(cut), `cut at ${length}`).toThrow(RangeError);
        continue;
      }
      expect(ours(cut), `cut at ${length}`).toEqual(expected);
    }
  });

  it('refuses a field whose wire type is not the one ONNX gives it, and bytes that are not protobuf', () => {
    // Field 7 (graph) sent as a varint.
    expect(() => decodeModelSignature(new Uint8Array([7 << 3, 1]))).toThrow(
      'field 7 of ModelProto has wire type 0, where ONNX has 2',
    );
    expect(() => decodeModelSignature(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(RangeError);
    expect(() => decodeModelSignature(new Uint8Array([(15 << 3) | 3]))).toThrow(/wire type 3/);
  });
});

noteIfNoShared('decodeModelSignature on the real models');
describe.skipIf(!hasShared)('decodeModelSignature on every model in ../shared', () => {
  const models = hasShared
    ? readdirSync(shared('models'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.onnx'))
    : [];
  it.each(models)('%s reads as protobufjs reads it', (model) => {
    const bytes = readFileSync(join(shared('models'), model));
    expect(ours(bytes)).toEqual(protobufjs(bytes));
  });
});
