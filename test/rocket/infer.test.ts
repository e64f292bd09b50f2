import { describe, expect, it } from 'vitest';
import { inferSpec as inferAny, type ModelSignature } from '../../src/rocket/infer.js';
import { parseUltralyticsNames } from '../../src/rocket/labels.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { caught } from '../helpers/errors.js';

/** inferSpec for image models: fails the test if the spec is tabular. */
const inferSpec = (...args: Parameters<typeof inferAny>): ImageRocketSpec => {
  const spec = inferAny(...args);
  if (spec.input !== 'image') throw new Error('expected an image rocket');
  return spec;
};

const sig = (
  input: (number | string)[],
  output: (number | string)[],
  metadata: Record<string, string> = {},
) =>
  ({
    metadata,
    inputs: [{ name: 'images', dims: input }],
    outputs: [{ name: 'output0', dims: output }],
  }) satisfies ModelSignature;

describe('inferSpec', () => {
  it('recognises an Ultralytics YOLOv8 detector from its metadata and shape', () => {
    const spec = inferSpec(
      '/m/yolov8n.onnx',
      sig([1, 3, 640, 640], [1, 84, 8400], {
        task: 'detect',
        names: `{${Array.from({ length: 80 }, (_, i) => `${i}: '${['person', 'bicycle', '', '', '', 'bus'][i] || `c${i}`}'`).join(', ')}}`,
        imgsz: '[640, 640]',
      }),
    );
    expect(spec).toMatchObject({
      name: 'yolov8n',
      task: 'detect',
      outputFormat: 'yolov8',
      labelSource: 'metadata',
      dynamicBatch: false,
      preprocess: {
        width: 640,
        height: 640,
        resize: 'letterbox',
        interpolation: 'bilinear',
        iccProfile: 'ignore',
        padValue: 114,
        channelOrder: 'rgb',
        layout: 'nchw',
      },
      thresholds: { confidence: 0.25, iou: 0.7, classAware: true },
    });
    expect(spec.labels.slice(0, 6)).toEqual(['person', 'bicycle', 'c2', 'c3', 'c4', 'bus']);
    expect(spec.preprocess.scale).toBeCloseTo(1 / 255);
  });

  it('reads a non-square input size from the model, or from imgsz when symbolic', () => {
    expect(inferSpec('/m.onnx', sig([1, 3, 384, 640], [1, 84, 5040])).preprocess).toMatchObject({
      width: 640,
      height: 384,
    });
    const dynamic = inferSpec('/m.onnx', sig(['b', 3, 'h', 'w'], [1, 84, 'n'], { imgsz: '[320, 480]' }));
    expect(dynamic.preprocess).toMatchObject({ height: 320, width: 480 });
    expect(dynamic.dynamicBatch).toBe(true);
    expect(dynamic.outputFormat).toBe('yolov8');
  });

  it('tells YOLOv5 [1, N, 5+C] from YOLOv8 [1, 4+C, N] by shape', () => {
    expect(inferSpec('/m.onnx', sig([1, 3, 640, 640], [1, 25200, 85])).outputFormat).toBe('yolov5');
  });

  it('treats an ImageNet-style [N, 1000] model as a classifier with standard preprocessing', () => {
    const spec = inferSpec('/m/mobilenet.onnx', sig(['batch_size', 3, 224, 224], ['batch_size', 1000]));
    expect(spec).toMatchObject({
      task: 'classify',
      outputFormat: 'auto',
      labelSource: 'none',
      dynamicBatch: true,
      preprocess: {
        resize: 'center-crop',
        cropRatio: 0.875,
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      },
      thresholds: { confidence: 0, topk: 5 },
    });
  });

  it('gives single-channel classifiers grey 0..255 input', () => {
    const spec = inferSpec('/m/mnist.onnx', sig([1, 1, 28, 28], [1, 10]));
    expect(spec.preprocess).toMatchObject({
      channelOrder: 'gray',
      scale: 1,
      mean: [0],
      std: [1],
      resize: 'stretch',
    });
  });

  it('lets the manifest override inference, labels file first', () => {
    const spec = inferSpec('/m/x.onnx', sig([1, 3, 224, 224], [1, 3], { names: "{0: 'meta'}" }), {
      manifest: {
        model: 'x.onnx',
        name: 'custom',
        version: '2.1',
        preprocess: { resize: 'stretch', channelOrder: 'bgr', size: [200, 100] },
        thresholds: { topk: 2 },
      },
      labelsFromFile: ['a', 'b', 'c'],
    });
    expect(spec).toMatchObject({
      name: 'custom',
      version: '2.1',
      labels: ['a', 'b', 'c'],
      labelSource: 'file',
    });
    expect(spec.preprocess).toMatchObject({
      resize: 'stretch',
      channelOrder: 'bgr',
      width: 200,
      height: 100,
    });
    expect(spec.thresholds.topk).toBe(2);
  });

  it('explains models no family serves: their inputs and outputs, and what would make them work', () => {
    const err = caught(() => inferSpec('/m/odd.onnx', sig([1, 4, 4], [1])));
    expect(err?.code).toBe('ROCKET_UNSUPPORTED');
    expect(err?.message).toContain('/m/odd.onnx');
    expect(err?.message).toContain('inputs: images [1, 4, 4]');
    expect(() => inferSpec('/m.onnx', sig([1, 3, 8, 8], [1, 2, 3, 4, 5]))).toThrow(
      /Set "task" in rocket.json .*"output.format"/s,
    );
    const forced = caught(() =>
      inferSpec('/m/odd.onnx', sig([1, 4, 4], [1]), { manifest: { model: 'x.onnx', task: 'detect' } }),
    );
    expect(forced?.code).toBe('ROCKET_INVALID');
    expect(forced?.message).toContain('shape [1,4,4]');
  });

  it('infers image-to-image from a 4-D output, Y mode for one channel', () => {
    const sr = inferSpec('/m/sr.onnx', sig(['N', 1, 224, 224], ['N', 1, 672, 672]));
    expect(sr).toMatchObject({
      task: 'image2image',
      head: { mode: 'y' },
      preprocess: { resize: 'stretch' },
    });
    expect(sr.preprocess.scale).toBeCloseTo(1 / 255);
    const style = inferSpec('/m/style.onnx', sig([1, 3, 224, 224], [1, 3, 224, 224]));
    expect(style).toMatchObject({ task: 'image2image', head: { mode: 'rgb' } });
  });
});

describe('inferSpec for tabular models', () => {
  it('reads an skl2onnx classifier: fetches the label tensor, never the ZipMap', () => {
    const spec = inferAny('/m/iris.onnx', {
      metadata: {},
      inputs: [{ name: 'float_input', dims: ['N', 4], kind: 'tensor', elemType: 1 }],
      outputs: [
        { name: 'output_label', dims: ['N'], kind: 'tensor', elemType: 7 },
        { name: 'output_probability', dims: [], kind: 'sequence', elemType: 0 },
      ],
    });
    expect(spec).toMatchObject({
      task: 'tabular',
      inputName: 'float_input',
      tabular: { features: 4, outputs: [{ name: 'output_label', role: 'label' }] },
    });
  });

  it('leaves a symbolic feature count open, and checks a mapping against a fixed one', () => {
    const tree = inferAny('/m/tree.onnx', {
      metadata: {},
      inputs: [{ name: 'input', dims: ['?', '?'] }],
      outputs: [{ name: 'proba_0', dims: ['?', '?'], elemType: 1 }],
    });
    expect(tree.input === 'rows' && tree.tabular).toEqual({
      features: null,
      outputs: [{ name: 'proba_0', role: 'scores' }],
    });
    expect(() =>
      inferAny('/m/x.onnx', sig([1, 2], [1]), {
        manifest: { model: 'x.onnx', task: 'tabular' },
        featureNames: ['a'],
      }),
    ).toThrow(/mapping names 1 features but the model takes 2/);
  });
});

describe('parseUltralyticsNames', () => {
  it('parses the Python dict Ultralytics writes, quotes of either kind', () => {
    expect(parseUltralyticsNames(`{0: 'person', 1: "traffic light", 2: 'it\\'s'}`)).toEqual([
      'person',
      'traffic light',
      "it's",
    ]);
    expect(parseUltralyticsNames(undefined)).toBeUndefined();
    expect(parseUltralyticsNames('person,car')).toBeUndefined();
  });
});
