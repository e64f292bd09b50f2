import ort from 'onnxruntime-node';
import type { WireTensor } from '../../src/inference/messages.js';
import { GraphBuilder } from '../../src/onnx/build.js';
import { DataType } from '../../src/onnx/data-types.js';
import { decodeModelProto, encodeModelProto } from '../../src/onnx/proto.js';
import { readModelInfo } from '../../src/onnx/read.js';
import type { TensorSignature } from '../../src/rocket/types.js';
import type { V2Model } from '../../src/v2/model.js';

/**
 * Rewrites the element type of graph inputs/outputs by name, for types GraphBuilder does not
 * name (FLOAT16, UINT32): build with a stand-in type, then patch the ModelProto.
 */
function patchElemTypes(bytes: Uint8Array, types: Record<string, number>): Uint8Array {
  const model = decodeModelProto(bytes);
  for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
    const tensor = v.type?.tensorType;
    if (tensor && v.name && Object.hasOwn(types, v.name)) tensor.elemType = types[v.name];
  }
  return encodeModelProto(model);
}

/**
 * One input of each integer, bool and string datatype, each echoed (ints plus one, bools negated):
 * i64 INT64 [2] → i64_out, i32 INT32 [2] → i32_out, u8 UINT8 [n] → u8_out, flags BOOL [3] → flags_out,
 * words BYTES [2] → words_out.
 */
export function buildTypesModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'types' });
  g.input('i64', 'int64', [2]);
  g.input('i32', 'int32', [2]);
  g.input('u8', 'uint8', ['n']);
  g.input('flags', 'bool', [3]);
  g.input('words', 'string', [2]);
  g.node('Add', ['i64', g.initializer('one64', BigInt64Array.from([1n]), [1])], {}, ['i64_out']);
  g.node('Add', ['i32', g.initializer('one32', Int32Array.from([1]), [1])], {}, ['i32_out']);
  g.node('Identity', ['u8'], {}, ['u8_out']);
  g.node('Not', ['flags'], {}, ['flags_out']);
  g.node('Identity', ['words'], {}, ['words_out']);
  g.output('i64_out', 'int64', [2]);
  g.output('i32_out', 'int32', [2]);
  g.output('u8_out', 'uint8', ['n']);
  g.output('flags_out', 'bool', [3]);
  g.output('words_out', 'string', [2]);
  return g.toBytes();
}

/** FP16 in, FP16 out (`half_out` = the input) and its FP32 value (`single`): input `half` [2, 2]. */
export function buildHalfModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'half' });
  g.input('half', 'float32', [2, 2]);
  g.node('Identity', ['half'], {}, ['half_out']);
  g.node('Cast', ['half'], { to: { int: DataType.FLOAT } }, ['single']);
  g.output('half_out', 'float32', [2, 2]);
  g.output('single', 'float32', [2, 2]);
  return patchElemTypes(g.toBytes(), { half: DataType.FLOAT16, half_out: DataType.FLOAT16 });
}

/** The values the specification's example response assumes the model returns for output0. */
const SPEC_OUTPUT0 = [1.0, 1.1, 2.0, 2.1, 3.0, 3.1];

/**
 * The model of the specification's example ("mymodel"): input0 UINT32 [2, 2], input1 BOOL [3],
 * output0 FP32 [3, 2]. It returns the table the example's response shows, plus 0 × (sum of the
 * inputs) so that both inputs are needed.
 */
export function buildSpecModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'mymodel' });
  g.input('input0', 'int32', [2, 2]);
  g.input('input1', 'bool', [3]);
  const cast = (x: string) => g.op('Cast', [x], { to: { int: DataType.FLOAT } });
  const sum = (x: string) => g.op('ReduceSum', [x], { keepdims: { int: 0 } });
  const zero = g.op('Mul', [g.op('Add', [sum(cast('input0')), sum(cast('input1'))]), g.scalar(0)]);
  const table = g.initializer('table', Float32Array.from(SPEC_OUTPUT0), [3, 2]);
  g.node('Add', [table, zero], {}, ['output0']);
  g.output('output0', 'float32', [3, 2]);
  return patchElemTypes(g.toBytes(), { input0: DataType.UINT32 });
}

/** A {@link V2Model} that runs `bytes` in this process with onnxruntime (no worker, no rocket). */
export async function inProcessModel(bytes: Uint8Array, name: string, version = '1'): Promise<V2Model> {
  const info = readModelInfo(bytes);
  const session = await ort.InferenceSession.create(bytes);
  const sig = (v: (typeof info.inputs)[number]): TensorSignature => ({ ...v });
  return {
    name,
    version,
    inputs: info.inputs.map(sig),
    outputs: info.outputs.map(sig),
    async run(feeds, fetches) {
      const inputs: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(feeds))
        inputs[k] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
      const out = await session.run(inputs, fetches);
      const result: Record<string, WireTensor> = {};
      for (const [k, v] of Object.entries(out))
        result[k] = { type: v.type, dims: [...v.dims], data: v.data as WireTensor['data'] };
      return result;
    },
  };
}
