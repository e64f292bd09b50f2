import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/onnx/build.js';
import { DataType } from '../../src/onnx/data-types.js';
import { readModelInfo } from '../../src/onnx/read.js';

/** y = x · W + b, then Relu, plus an int64 Reshape target, and constants from every attribute kind. */
function buildModel(): Uint8Array {
  const g = new GraphBuilder({ name: 'tiny', producerName: 'test' });
  const x = g.input('x', 'float32', ['batch', 3]);
  const w = g.initializer('w', new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
  const b = g.initializer('b', new Float32Array([0.5, -20]));
  const y = g.op('Add', [g.op('MatMul', [x, w]), b]);
  g.node('LeakyRelu', [y], { alpha: { float: 0.5 } }, ['y']);
  g.node('Reshape', ['y', g.int64s(-1)], {}, ['flat']);
  g.node('Cast', ['y'], { to: { int: DataType.INT64 } }, ['y_int']);
  g.node('Transpose', ['y'], { perm: { ints: [1, 0] } }, ['y_t']);
  g.node('Constant', [], { value_floats: { floats: [0.25, 4] } }, ['floats']);
  const table = { values: BigInt64Array.from([7n, -8n, 2n ** 40n]), dims: [3] };
  g.node('Constant', [], { value: { tensor: table } }, ['table']);
  g.output('y', 'float32', ['batch', 2]);
  for (const [name, type] of [
    ['flat', 'float32'],
    ['y_int', 'int64'],
    ['y_t', 'float32'],
    ['floats', 'float32'],
    ['table', 'int64'],
  ] as const) {
    g.output(name, type);
  }
  g.metadata('names', "{0: 'a', 1: 'b'}").metadata('task', 'detect');
  return g.toBytes();
}

describe('GraphBuilder', () => {
  it('writes a model that onnxruntime loads and runs with the expected numbers', async () => {
    const session = await ort.InferenceSession.create(buildModel());
    const x = new ort.Tensor('float32', new Float32Array([1, 1, 1, 0, -1, 0]), [2, 3]);
    const out = await session.run({ x });
    // Row 1: [1+3+5, 2+4+6] + b = [9.5, -8] → LeakyRelu → [9.5, -4]; row 2: [-3, -4] + b = [-2.5, -24] → [-1.25, -12].
    expect(Array.from(out.y?.data as Float32Array)).toEqual([9.5, -4, -1.25, -12]);
    expect(out.y?.dims).toEqual([2, 2]);
    expect(Array.from(out.flat?.data as Float32Array)).toEqual([9.5, -4, -1.25, -12]);
    expect(Array.from(out.y_int?.data as BigInt64Array)).toEqual([9n, -4n, -1n, -12n]);
    expect(Array.from(out.y_t?.data as Float32Array)).toEqual([9.5, -1.25, -4, -12]);
    expect(Array.from(out.floats?.data as Float32Array)).toEqual([0.25, 4]);
    expect(Array.from(out.table?.data as BigInt64Array)).toEqual([7n, -8n, 2n ** 40n]);
  });

  it('writes string attributes as UTF-8', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'string', [1]);
    const scalar = g.op('Constant', [], { value_string: { string: 'héllo' } });
    g.node('Concat', [x, g.op('Reshape', [scalar, g.int64s(1)])], { axis: { int: 0 } }, ['text']);
    g.output('text', 'string', [2]);
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({ x: new ort.Tensor('string', ['a'], [1]) });
    expect(out.text?.data).toEqual(['a', 'héllo']);
  });

  it('is read back by readModelInfo', () => {
    const info = readModelInfo(buildModel());
    expect(info.irVersion).toBe(8);
    expect(info.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(info.producerName).toBe('test');
    expect(info.metadata).toEqual({ names: "{0: 'a', 1: 'b'}", task: 'detect' });
    // Initializers are not graph inputs.
    expect(info.inputs).toEqual([
      { name: 'x', kind: 'tensor', elemType: DataType.FLOAT, dims: ['batch', 3] },
    ]);
    expect(info.outputs[0]).toEqual({
      name: 'y',
      kind: 'tensor',
      elemType: DataType.FLOAT,
      dims: ['batch', 2],
    });
    expect(info.outputs.map((o) => [o.name, o.elemType])).toEqual([
      ['y', DataType.FLOAT],
      ['flat', DataType.FLOAT],
      ['y_int', DataType.INT64],
      ['y_t', DataType.FLOAT],
      ['floats', DataType.FLOAT],
      ['table', DataType.INT64],
    ]);
  });

  it('honours opset and IR version options and writes the same bytes every time', () => {
    const make = () => {
      const g = new GraphBuilder({ opset: 13, irVersion: 7 });
      g.output(g.op('Identity', [g.input('a', 'float32', [1])]), 'float32', [1]);
      return g.toBytes();
    };
    const info = readModelInfo(make());
    expect(info.irVersion).toBe(7);
    expect(info.opsetImports).toEqual([{ domain: '', version: 13 }]);
    expect(Buffer.compare(make(), make())).toBe(0);
  });

  it('rejects reused names and tensors whose size does not match their dims', () => {
    const g = new GraphBuilder();
    g.input('a', 'float32', [2]);
    expect(() => g.input('a', 'float32', [2])).toThrow(RangeError);
    expect(() => g.node('Relu', ['a'], {}, ['a'])).toThrow(/already used/);
    expect(() => g.initializer('w', new Float32Array(3), [2, 2])).toThrow(/Expected 4 values/);
    // Generated names never collide with explicit ones.
    expect(g.initializer('a', new Float32Array(1))).toBe('a_1');
    expect(g.scalar(2)).toBe(g.scalar(2));
    expect(g.int64s(1, 2)).not.toBe(g.int64s(2, 1));
  });
});
