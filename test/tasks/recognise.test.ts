// Zero-config recognition of hand-written signatures: which family and layout serve a model, why,
// the family's preprocessing defaults, and ROCKET_UNSUPPORTED for models no family serves.
import { describe, expect, it } from 'vitest';
import { inferSpecWithReasons, type ManifestContext, type ModelSignature } from '../../src/rocket/infer.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { recogniseFamily } from '../../src/tasks/recognise.js';
import { TASK_NAMES } from '../../src/tasks/registry.js';
import { caught, thrown } from '../helpers/errors.js';
import { imageSpec, labelsOf, namesMetadata, scrfdSignature, signature, yunetSignature } from './helpers.js';

const IMAGE = ['images', [1, 3, 640, 640]] as [string, (number | string)[]];
const COCO = namesMetadata(labelsOf(80));

/** The family, the format and both reasons of a signature. */
function recognised(sig: ModelSignature, ctx: ManifestContext = {}) {
  const { spec, recognition, format } = inferSpecWithReasons('/m.onnx', sig, ctx);
  return { spec, task: recognition.family.task, reason: recognition.reason, format };
}

/** The ROCKET_UNSUPPORTED error of a signature; fails when it is served. */
function unsupported(sig: ModelSignature) {
  const err = thrown(() => inferSpecWithReasons('/m.onnx', sig));
  expect(err.code).toBe('ROCKET_UNSUPPORTED');
  return err;
}

/** What every ROCKET_UNSUPPORTED of recognition says: the model, its tensors and the fix. */
function expectExplains(message: string, sig: ModelSignature) {
  expect(message).toContain('/m.onnx');
  for (const e of [...sig.inputs, ...sig.outputs])
    expect(message).toContain(`${e.name} [${e.dims.join(', ')}]`);
  expect(message).toMatch(/inputs: .*\n.*outputs: /);
  expect(message).toContain('rocket.json');
  expect(message).toContain('output.format');
  for (const task of TASK_NAMES) expect(message).toContain(task);
}

describe('zero-config recognition of detectors', () => {
  it('reads YOLOv8 [1, 84, 8400] with 80 names as detect / yolov8', () => {
    const r = recognised(signature([IMAGE], [['output0', [1, 84, 8400]]], { names: COCO }));
    expect(r.task).toBe('detect');
    expect(r.format.name).toBe('yolov8');
    expect(r.reason).toMatch(/^yolov8: /);
    expect(r.reason).toContain('4 + 80 rows');
    expect(r.format.reason).toContain('4 + 80 rows');
    expect(r.spec).toMatchObject({
      outputFormat: 'yolov8',
      outputNames: ['output0'],
      labels: labelsOf(80),
      labelSource: 'metadata',
      head: { layout: 'yolov8', settings: { numClasses: 80 } },
    });
  });

  it('reads YOLOv8 [1, 84, 8400] without names by its shape (fewer rows than anchors)', () => {
    const r = recognised(signature([IMAGE], [['output0', [1, 84, 8400]]]));
    expect(r.format.name).toBe('yolov8');
    expect(r.reason).toContain('fewer rows than anchors');
  });

  it('reads YOLOv5 [1, 25200, 85] as yolov5, with or without names', () => {
    const plain = recognised(signature([IMAGE], [['output0', [1, 25200, 85]]]));
    expect(plain.task).toBe('detect');
    expect(plain.format.name).toBe('yolov5');
    expect(plain.reason).toContain('fewer columns than rows');
    expect(plain.spec).toMatchObject({ head: { settings: { numClasses: 80 } } });
    const named = recognised(signature([IMAGE], [['output0', [1, 25200, 85]]], { names: COCO }));
    expect(named.format.name).toBe('yolov5');
    expect(named.reason).toContain('5 + 80 columns');
  });

  it('reads YOLO26 [1, 300, 6] with end2end: True as end2end, and says so', () => {
    const r = recognised(
      signature([IMAGE], [['output0', [1, 300, 6]]], { end2end: 'True', names: namesMetadata(['person']) }),
    );
    expect(r.task).toBe('detect');
    expect(r.format.name).toBe('end2end');
    expect(r.reason).toMatch(/^end2end: /);
    expect(r.reason).toContain('end2end: True');
    expect(r.format.reason).toContain('end2end');
    expect(r.spec).toMatchObject({ outputNames: ['output0'], head: { settings: { numRows: 300 } } });
  });

  it("reads [1, 300, 6] whose args say 'nms': True as end2end", () => {
    const r = recognised(
      signature([IMAGE], [['output0', [1, 300, 6]]], { args: "{'batch': 1, 'nms': True, 'half': False}" }),
    );
    expect(r.format.name).toBe('end2end');
    expect(r.reason).toContain("'nms': True");
  });

  it('reads [1, 300, 6] with 80 class names as end2end (rows of 6 cannot be 4 + 80)', () => {
    const r = recognised(signature([IMAGE], [['output0', [1, 300, 6]]], { names: COCO }));
    expect(r.format.name).toBe('end2end');
    expect(r.reason).toContain('80 class names');
  });

  it('refuses [1, 300, 6] without names nor metadata: one-class YOLOv5 or NMS-free rows', () => {
    const sig = signature([IMAGE], [['output0', [1, 300, 6]]]);
    const err = unsupported(sig);
    expect(err.message).toMatch(/no task family recognises|ambiguous/);
    expectExplains(err.message, sig);
  });

  it('reads UltraFace-like boxes and scores (with labels) as boxes-scores', () => {
    const sig = signature(
      [['input', [1, 3, 240, 320]]],
      [
        ['scores', [1, 4420, 2]],
        ['boxes', [1, 4420, 4]],
      ],
    );
    const r = recognised(sig, { labelsFromFile: ['background', 'face'] });
    expect(r.task).toBe('detect');
    expect(r.format.name).toBe('boxes-scores');
    expect(r.reason).toContain('boxes and scores');
    expect(r.spec).toMatchObject({
      outputNames: ['boxes', 'scores'],
      labelSource: 'file',
      head: {
        settings: {
          boxes: 'boxes',
          scores: 'scores',
          numClasses: 2,
          boxFormat: 'xyxy',
          boxUnits: 'normalized',
        },
      },
      preprocess: { width: 320, height: 240 },
    });
  });

  it('refuses boxes-scores with several score columns and no class names, saying what to set', () => {
    const sig = signature(
      [['input', [1, 3, 240, 320]]],
      [
        ['scores', [1, 4420, 2]],
        ['boxes', [1, 4420, 4]],
      ],
    );
    const err = thrown(() => inferSpecWithReasons('/m.onnx', sig));
    expect(err.code).toBe('ROCKET_UNSUPPORTED');
    expect(err.message).toContain('output.background');
  });

  it('reads RT-DETR (orig_target_sizes input; labels, boxes, scores) as detr in original pixels', () => {
    const r = recognised(
      signature(
        [IMAGE, ['orig_target_sizes', [1, 2]]],
        [
          ['labels', [1, 300]],
          ['boxes', [1, 300, 4]],
          ['scores', [1, 300]],
        ],
      ),
    );
    expect(r.task).toBe('detect');
    expect(r.format.name).toBe('detr');
    expect(r.reason).toContain('orig_target_sizes');
    expect(r.spec).toMatchObject({
      outputNames: ['boxes', 'scores', 'labels'],
      head: { settings: { boxUnits: 'original', sizesInput: 'orig_target_sizes' } },
      preprocess: { resize: 'stretch' },
    });
  });

  it('reads pred_logits / pred_boxes as detr (cxcywh in 0..1)', () => {
    const r = recognised(
      signature(
        [IMAGE],
        [
          ['pred_logits', [1, 100, 92]],
          ['pred_boxes', [1, 100, 4]],
        ],
      ),
    );
    expect(r.format.name).toBe('detr');
    expect(r.reason).toContain('pred_boxes');
    expect(r.spec).toMatchObject({
      outputNames: ['pred_boxes', 'pred_logits'],
      head: { settings: { boxFormat: 'cxcywh', boxUnits: 'normalized', activation: 'sigmoid' } },
    });
  });

  it('reads DETR logits with one column more than the names as softmax with a no-object column', () => {
    const r = recognised(
      signature(
        [IMAGE],
        [
          ['logits', [1, 100, 4]],
          ['pred_boxes', [1, 100, 4]],
        ],
      ),
      { labelsFromFile: ['a', 'b', 'c'] },
    );
    expect(r.spec).toMatchObject({ head: { settings: { activation: 'softmax', background: 3 } } });
  });

  it('reads score_8 … bbox_32 as scrfd', () => {
    const r = recognised(scrfdSignature(640));
    expect(r.task).toBe('detect');
    expect(r.format.name).toBe('scrfd');
    expect(r.reason).toContain('SCRFD');
    expect((r.spec as ImageRocketSpec).outputNames).toEqual([
      'score_8',
      'bbox_8',
      'kps_8',
      'score_16',
      'bbox_16',
      'kps_16',
      'score_32',
      'bbox_32',
      'kps_32',
    ]);
    expect(r.spec).toMatchObject({
      head: {
        settings: { levels: [{ stride: 8, gridWidth: 80, gridHeight: 80, anchorsPerCell: 2 }, {}, {}] },
      },
    });
  });

  it('reads cls_8 … kps_32 as yunet', () => {
    const r = recognised(yunetSignature(640));
    expect(r.task).toBe('detect');
    expect(r.format.name).toBe('yunet');
    expect(r.reason).toContain('YuNet');
  });
});

describe('zero-config recognition of the other families', () => {
  it('reads a [N, 1000] classifier as classify', () => {
    const r = recognised(signature([['data', ['N', 3, 224, 224]]], [['logits', ['N', 1000]]]));
    expect(r.task).toBe('classify');
    expect(r.reason).toContain('row of class scores');
    expect(r.format.name).toBe('auto');
    expect(r.spec).toMatchObject({ outputNames: ['logits'], dynamicBatch: true });
  });

  it('reads a classifier by its metadata task', () => {
    const r = recognised(
      signature([IMAGE], [['output0', [1, 1000]]], {
        task: 'classify',
        names: namesMetadata(labelsOf(1000)),
      }),
    );
    expect(r.task).toBe('classify');
    expect(r.reason).toContain('task: classify');
  });

  it('reads [1, 3, H, W] → [1, 3, 2H, 2W] as image2image (rgb)', () => {
    const r = recognised(signature([['input', [1, 3, 128, 96]]], [['output', [1, 3, 256, 192]]]));
    expect(r.task).toBe('image2image');
    expect(r.format.name).toBe('rgb');
    expect(r.reason).toContain('is an image');
    expect(r.spec).toMatchObject({ preprocess: { width: 96, height: 128, resize: 'stretch' } });
  });

  it('reads an NHWC image-to-image model as image2image, not semantic segmentation', () => {
    const r = recognised(signature([['input', [1, 224, 224, 3]]], [['output', [1, 448, 448, 3]]]));
    expect(r.task).toBe('image2image');
    expect(r.spec).toMatchObject({ preprocess: { layout: 'nhwc', width: 224, height: 224 } });
  });

  it('reads a one-channel image-to-image model in y mode', () => {
    const r = recognised(signature([['input', [1, 1, 224, 224]]], [['output', [1, 1, 672, 672]]]));
    expect(r.task).toBe('image2image');
    expect(r.format.name).toBe('y');
    expect(r.spec).toMatchObject({ head: { mode: 'y' }, preprocess: { channelOrder: 'gray' } });
  });

  it('reads a rank-2 input as tabular', () => {
    const r = recognised(
      signature(
        [['float_input', ['N', 4]]],
        [
          ['label', ['N'], 7],
          ['probabilities', ['N', 3], 1],
        ],
      ),
    );
    expect(r.task).toBe('tabular');
    expect(r.reason).toContain('rows of features');
    expect(r.spec).toMatchObject({
      input: 'rows',
      tabular: {
        features: 4,
        outputs: [
          { name: 'label', role: 'label' },
          { name: 'probabilities', role: 'scores' },
        ],
      },
    });
  });

  it('lets the manifest task win over recognition, naming it as the reason', () => {
    const sig = signature([IMAGE], [['output0', [1, 300, 6]]]);
    const r = recognised(sig, {
      manifest: { model: 'm.onnx', task: 'detect', output: { format: 'end2end' } },
    });
    expect(r.task).toBe('detect');
    expect(r.reason).toContain('"task": "detect" in rocket.json');
    expect(r.format).toEqual({ name: 'end2end', reason: 'output.format end2end in rocket.json' });
    // The same model without a manifest is refused (see above); recogniseFamily agrees.
    expect(caught(() => recogniseFamily('/m.onnx', sig, []))?.code).toBe('ROCKET_UNSUPPORTED');
  });
});

describe('the families beside detect, recognised from the same kinds of heads', () => {
  it.each([
    [
      'segment',
      [
        ['output0', [1, 116, 8400]],
        ['output1', [1, 32, 160, 160]],
      ],
    ],
    ['pose', [['output0', [1, 56, 8400]]]],
    ['obb', [['output0', [1, 85, 8400]]]],
  ] as const)('reads metadata task: %s as that task, never as a detector', (task, outputs) => {
    const names = task === 'pose' ? "{0: 'person'}" : COCO;
    const meta = { task, names, ...(task === 'pose' ? { kpt_shape: '[17, 3]' } : {}) };
    const r = recognised(
      signature(
        [IMAGE],
        outputs.map(([n, d]) => [n, [...d]]),
        meta,
      ),
    );
    expect(r.task).toBe(task);
    expect(r.reason).toContain(`task: ${task}`);
  });

  it('reads a segmentation head (boxes [1, 116, 2100] + protos [1, 32, 80, 80]) without metadata as segment', () => {
    const sig = signature(
      [['images', [1, 3, 320, 320]]],
      [
        ['output0', [1, 116, 2100]],
        ['output1', [1, 32, 80, 80]],
      ],
    );
    expect(recognised(sig).task).toBe('segment');
  });

  it("reads a pose head [1, 56, 8400] with names {0: 'person'} (17 keypoints × 3) as pose", () => {
    const sig = signature([IMAGE], [['output0', [1, 56, 8400]]], { names: "{0: 'person'}" });
    expect(recognised(sig).task).toBe('pose');
  });

  it('reads a DeepLab-like NHWC [1, 257, 257, 21] output as semantic, not image2image', () => {
    const sig = signature([['sub_7', [1, 257, 257, 3]]], [['ResizeBilinear_3', [1, 257, 257, 21]]]);
    expect(recognised(sig).task).toBe('semantic');
  });

  it('reads an NCHW [1, 21, H, W] output as semantic', () => {
    const sig = signature([['input', [1, 3, 520, 520]]], [['out', [1, 21, 520, 520]]]);
    expect(recognised(sig).task).toBe('semantic');
  });

  it('says ROCKET_INVALID, not UNSUPPORTED, for a model without a tensor output', () => {
    const sig: ModelSignature = {
      metadata: {},
      inputs: [{ name: 'x', dims: [1, 4] }],
      outputs: [{ name: 'zipmap', dims: [], kind: 'sequence' }],
    };
    expect(caught(() => inferSpecWithReasons('/m.onnx', sig))?.code).toBe('ROCKET_INVALID');
  });
});

describe('edge cases of recognition', () => {
  // A classifier whose output keeps 1×1 spatial dims (ONNX model zoo SqueezeNet 1.0 softmaxout_1
  // [1, 1000, 1, 1], DenseNet-121 fc6_1 [1, 1000, 1, 1]) is no semantic segmentation.
  it('reads a [1, 1000, 1, 1] classifier output as classify, not semantic segmentation', () => {
    const r = recognised(signature([['data_0', [1, 3, 224, 224]]], [['softmaxout_1', [1, 1000, 1, 1]]]));
    expect(r.task).toBe('classify');
  });

  // An output named in rocket.json (output.boxes / scores / landmarks) must exist, so a typo is
  // refused at load, not at the first request.
  it('refuses output.boxes naming an output the retinaface model does not have', () => {
    const sig = signature(
      [IMAGE],
      [
        ['loc', [1, 16800, 4]],
        ['conf', [1, 16800, 2]],
      ],
    );
    const err = caught(() =>
      inferSpecWithReasons('/m.onnx', sig, {
        manifest: { model: 'm.onnx', task: 'detect', output: { format: 'retinaface', boxes: 'nope' } },
      }),
    );
    expect(err?.code).toMatch(/ROCKET_(UNSUPPORTED|INVALID)/);
    expect(err?.message).toContain('nope');
  });
});

describe('family preprocessing defaults land in the spec', () => {
  const DETECT_DEFAULTS = {
    resize: 'letterbox',
    interpolation: 'bilinear',
    iccProfile: 'ignore',
    padValue: 114,
  };

  it('detect: letterbox, bilinear, ICC profile ignored, pad 114, centred RGB in 0..1', () => {
    const spec = imageSpec(signature([IMAGE], [['output0', [1, 84, 8400]]], { names: COCO }));
    expect(spec.preprocess).toMatchObject({
      ...DETECT_DEFAULTS,
      align: 'center',
      channelOrder: 'rgb',
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      width: 640,
      height: 640,
      layout: 'nchw',
    });
    expect(spec.thresholds.confidence).toBe(0.25);
  });

  const manifest = (format: string): ManifestContext => ({
    manifest: { model: 'm.onnx', task: 'detect', output: { format } },
  });

  it.each<[string, ModelSignature, Partial<ImageRocketSpec['preprocess']>]>([
    [
      'yolox',
      signature([IMAGE], [['output', [1, 8400, 85]]]),
      { channelOrder: 'bgr', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], align: 'top-left', padValue: 114 },
    ],
    [
      'yunet',
      yunetSignature(640),
      { channelOrder: 'bgr', scale: 1, mean: [0, 0, 0], std: [1, 1, 1], align: 'top-left', padValue: 0 },
    ],
    [
      'scrfd',
      scrfdSignature(640),
      {
        channelOrder: 'rgb',
        scale: 1,
        mean: [127.5, 127.5, 127.5],
        std: [128, 128, 128],
        align: 'top-left',
        padValue: 0,
      },
    ],
    [
      'retinaface',
      signature(
        [IMAGE],
        [
          ['loc', [1, 16800, 4]],
          ['conf', [1, 16800, 2]],
          ['landms', [1, 16800, 10]],
        ],
      ),
      {
        channelOrder: 'bgr',
        scale: 1,
        mean: [104, 117, 123],
        std: [1, 1, 1],
        align: 'top-left',
        padValue: 0,
      },
    ],
  ])(
    '%s (manifest output.format): its own channel order, mean, std and top-left letterbox',
    (format, sig, pre) => {
      const { spec: any, format: chosen } = recognised(sig, manifest(format));
      const spec = any as ImageRocketSpec;
      expect(chosen).toEqual({ name: format, reason: `output.format ${format} in rocket.json` });
      expect(spec.preprocess).toMatchObject({
        resize: 'letterbox',
        interpolation: 'bilinear',
        iccProfile: 'ignore',
      });
      expect(spec.preprocess).toMatchObject(pre);
    },
  );

  it('the manifest preprocess wins over a layout default', () => {
    const spec = imageSpec(signature([IMAGE], [['output', [1, 8400, 85]]]), {
      manifest: {
        model: 'm.onnx',
        task: 'detect',
        output: { format: 'yolox' },
        preprocess: { padValue: 0, channelOrder: 'rgb' },
      },
    });
    expect(spec.preprocess).toMatchObject({ padValue: 0, channelOrder: 'rgb', align: 'top-left' });
  });

  it('classify: center crop, ImageNet mean and std, colour-managed linear resize', () => {
    const spec = imageSpec(signature([['data', [1, 3, 224, 224]]], [['prob', [1, 1000]]]));
    expect(spec.preprocess).toMatchObject({
      resize: 'center-crop',
      cropRatio: 0.875,
      interpolation: 'linear',
      iccProfile: 'convert',
      channelOrder: 'rgb',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
    expect(spec.thresholds.confidence).toBe(0);
  });

  it('grey classifier: the whole image stretched, 0..255, one channel', () => {
    const spec = imageSpec(signature([['Input3', [1, 1, 28, 28]]], [['Plus214_Output_0', [1, 10]]]));
    expect(spec.task).toBe('classify');
    expect(spec.preprocess).toMatchObject({
      resize: 'stretch',
      scale: 1,
      channelOrder: 'gray',
      mean: [0],
      std: [1],
      width: 28,
      height: 28,
    });
  });

  it('image2image: the whole image stretched, in 0..1', () => {
    const spec = imageSpec(signature([['input', [1, 3, 64, 64]]], [['output', [1, 3, 128, 128]]]));
    expect(spec.preprocess).toMatchObject({ resize: 'stretch', scale: 1 / 255, channelOrder: 'rgb' });
  });
});
