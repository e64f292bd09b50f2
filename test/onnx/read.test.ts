import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/onnx/data-types.js';
import { encodeModelProto, encodeTensorProto } from '../../src/onnx/proto.js';
import { readModelInfo } from '../../src/onnx/read.js';
import { decodeTensor } from '../helpers/onnx-tensor.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';

noteIfNoShared('the real-model tests of src/onnx/read.ts');
/** The bytes of a real model under ../shared/models. */
const modelBytes = (path: string) => readFileSync(shared('models', path));

describe.skipIf(!hasShared)('readModelInfo on real models (../shared)', () => {
  it('reads the Ultralytics metadata and signature of YOLOv8n', () => {
    const bytes = modelBytes('detection/yolov8n_int8_640.onnx');
    const info = readModelInfo(bytes);
    expect(info.metadata.task).toBe('detect');
    expect(info.metadata.imgsz).toBe('[640, 640]');
    expect(info.metadata.stride).toBe('32');
    const names = info.metadata.names ?? '';
    expect(names.startsWith("{0: 'person', 1: 'bicycle',")).toBe(true);
    expect(names).toContain("5: 'bus'");
    expect(names).toContain("79: 'toothbrush'}");
    expect(names.match(/\d+: '/g)).toHaveLength(80);
    expect(info.inputs).toEqual([
      { name: 'images', kind: 'tensor', elemType: DataType.FLOAT, dims: [1, 3, 640, 640] },
    ]);
    expect(info.outputs).toEqual([
      { name: 'output0', kind: 'tensor', elemType: DataType.FLOAT, dims: [1, 84, 8400] },
    ]);
    expect(info.opsetImports).toContainEqual({ domain: '', version: 20 });
  });

  it('reads the symbolic batch dimension of MobileNetV2', () => {
    const info = readModelInfo(modelBytes('classification/mobilenetv2-12-int8.onnx'));
    expect(info.inputs.map((i) => [i.name, i.dims])).toEqual([['input', ['batch_size', 3, 224, 224]]]);
    expect(info.outputs.map((o) => [o.name, o.dims])).toEqual([['output', ['batch_size', 1000]]]);
    expect(info.metadata).toEqual({});
  });

  it('reports non-tensor outputs (a scikit-learn ZipMap) by kind', () => {
    const info = readModelInfo(modelBytes('tabular/rf_iris.onnx'));
    expect(info.outputs.map((o) => [o.name, o.kind, o.elemType])).toEqual([
      ['output_label', 'tensor', DataType.INT64],
      ['output_probability', 'sequence', 0],
    ]);
    expect(info.inputs[0]?.dims).toEqual(['?', 4]);
  });

  it('reads a model with IR version 1 and no opset', () => {
    const info = readModelInfo(modelBytes('negative/super_resolution_ir1_no_opset.onnx'));
    expect(info.irVersion).toBe(1);
    expect(info.opsetImports).toEqual([]);
  });

  it('decodes the MNIST test tensors', () => {
    const output = decodeTensor(modelBytes('mnist/test_data_set_0/output_0.pb'));
    expect(output.dims).toEqual([1, 10]);
    expect(output.dataType).toBe(DataType.FLOAT);
    expect(output.data).toBeInstanceOf(Float32Array);
    const expected = [
      975.67, -618.724, 6574.568, 668.029, -917.271, -1671.636, -1952.76, -61.55, -777.177, -1439.532,
    ];
    Array.from(output.data as Float32Array).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 2);
    });
    const input = decodeTensor(modelBytes('mnist/test_data_set_0/input_0.pb'));
    expect(input.dims).toEqual([1, 1, 28, 28]);
    expect(input.data).toHaveLength(784);
  });
});

describe('decodeTensor', () => {
  const encode = (t: Parameters<typeof encodeTensorProto>[0]) => Buffer.from(encodeTensorProto(t));

  it('reads float32 from raw_data as a view when aligned, and copies when not', () => {
    const values = new Float32Array([1.5, -2, 3.25, 1e-8, 6]);
    const raw = new Uint8Array(values.buffer);
    const bytes = encode({ name: 't', dims: [5], dataType: DataType.FLOAT, rawData: raw });
    for (const shift of [0, 1, 2, 3]) {
      const shifted = new Uint8Array(bytes.length + shift);
      shifted.set(bytes, shift);
      const t = decodeTensor(shifted.subarray(shift));
      expect(t).toMatchObject({ name: 't', dims: [5], dataType: DataType.FLOAT });
      expect(Array.from(t.data as Float32Array)).toEqual(Array.from(values));
      const view = (t.data as Float32Array).buffer === shifted.buffer;
      const aligned = (shift + bytes.indexOf(Buffer.from(raw))) % 4 === 0;
      expect(view).toBe(aligned);
    }
  });

  it('reads the typed fields: float_data, int64_data, int32_data, double_data, string_data', () => {
    const f = decodeTensor(encode({ dims: [2, 2], dataType: DataType.FLOAT, floatData: [1, 2, 3, 4] }));
    expect(Array.from(f.data as Float32Array)).toEqual([1, 2, 3, 4]);
    const i = decodeTensor(encode({ dims: [3], dataType: DataType.INT64, int64Data: [-1, 2 ** 40, 7] }));
    expect(Array.from(i.data as BigInt64Array)).toEqual([-1n, 2n ** 40n, 7n]);
    const u8 = decodeTensor(encode({ dims: [3], dataType: DataType.UINT8, int32Data: [0, 128, 255] }));
    expect(u8.data).toEqual(new Uint8Array([0, 128, 255]));
    const d = decodeTensor(encode({ dims: [1], dataType: DataType.DOUBLE, doubleData: [0.1] }));
    expect(d.data).toEqual(new Float64Array([0.1]));
    const s = decodeTensor(
      encode({ dims: [2], dataType: DataType.STRING, stringData: [Buffer.from('a'), Buffer.from('β')] }),
    );
    expect(s.data).toEqual(['a', 'β']);
    const scalar = decodeTensor(encode({ dataType: DataType.FLOAT, floatData: [42] }));
    expect(scalar.dims).toEqual([]);
    expect(Array.from(scalar.data as Float32Array)).toEqual([42]);
  });

  it('reads int64 from raw_data exactly', () => {
    const values = BigInt64Array.from([-(2n ** 62n), 0n, 2n ** 53n + 1n]);
    const t = decodeTensor(
      encode({ dims: [3], dataType: DataType.INT64, rawData: new Uint8Array(values.buffer) }),
    );
    expect(t.data).toEqual(values);
  });

  it('rejects mismatched sizes, external data and unsupported types', () => {
    expect(() => decodeTensor(encode({ dims: [3], dataType: DataType.FLOAT, floatData: [1, 2] }))).toThrow(
      /2 elements but dims \[3\] need 3/,
    );
    const raw = new Uint8Array(6);
    expect(() => decodeTensor(encode({ dims: [2], dataType: DataType.FLOAT, rawData: raw }))).toThrow(
      RangeError,
    );
    expect(() => decodeTensor(encode({ dims: [1], dataType: DataType.FLOAT, dataLocation: 1 }))).toThrow(
      /external/,
    );
    expect(() => decodeTensor(encode({ dims: [1], dataType: DataType.COMPLEX64 }))).toThrow(/not supported/);
  });
});

describe('readModelInfo', () => {
  it('rejects bytes that are not an ONNX model', () => {
    expect(() => readModelInfo(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
    expect(() => readModelInfo(encodeModelProto({ irVersion: 8 }))).toThrow(/graph/);
  });

  it('lists unknown dims as "?" and leaves out inputs that are initializers', () => {
    const info = readModelInfo(
      encodeModelProto({
        irVersion: 8,
        graph: {
          input: [
            {
              name: 'x',
              type: { tensorType: { elemType: 1, shape: { dim: [{}, { dimValue: 2 }, { dimParam: 'n' }] } } },
            },
            { name: 'w', type: { tensorType: { elemType: 1 } } },
          ],
          initializer: [{ name: 'w', dims: [1], dataType: 1, floatData: [1] }],
          output: [{ name: 'y', type: { mapType: { keyType: 7 } } }],
        },
      }),
    );
    expect(info.inputs).toEqual([{ name: 'x', kind: 'tensor', elemType: 1, dims: ['?', 2, 'n'] }]);
    expect(info.outputs).toEqual([{ name: 'y', kind: 'map', elemType: 0, dims: [] }]);
  });
});
