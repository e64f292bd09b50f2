// The obb family on the main thread: recognised from Ultralytics' metadata or a manifest's task,
// its defaults, and ROCKET_UNSUPPORTED naming what to set when the head or the labels do not fit.
import { describe, expect, it } from 'vitest';
import { inferSpecWithReasons, type ManifestContext, type ModelSignature } from '../../src/rocket/infer.js';
import { DETECTOR_PREPROCESS } from '../../src/tasks/detect/family.js';
import { obb } from '../../src/tasks/obb/family.js';
import { thrown } from '../helpers/errors.js';
import { type Dims, labelsOf, namesMetadata, signature } from './helpers.js';

const IMAGE: [string, Dims] = ['images', [1, 3, 1024, 1024]];
/** Ultralytics yolov8n-obb on DOTAv1: 15 classes, 21504 anchors at 1024. */
const DOTA = labelsOf(15);
const HEAD: [string, Dims] = ['output0', [1, 20, 21504]];

function recognised(sig: ModelSignature, ctx: ManifestContext = {}) {
  const { spec, recognition, format } = inferSpecWithReasons('/m.obb.onnx', sig, ctx);
  return { spec, task: recognition.family.task, reason: recognition.reason, format };
}

function unsupported(sig: ModelSignature, ctx: ManifestContext = {}) {
  const err = thrown(() => inferSpecWithReasons('/m.obb.onnx', sig, ctx));
  expect(err.code).toBe('ROCKET_UNSUPPORTED');
  expect(err.message).toContain('/m.obb.onnx');
  return err.message;
}

const manifest = (fields: Record<string, unknown>): ManifestContext => ({
  manifest: { model: 'm.obb.onnx', ...fields },
});

describe('the obb family', () => {
  it('serves an Ultralytics -obb export zero-config from its metadata (task: obb, names)', () => {
    const r = recognised(signature([IMAGE], [HEAD], { task: 'obb', names: namesMetadata(DOTA) }));
    expect(r.task).toBe('obb');
    expect(r.reason).toBe('its metadata says task: obb');
    expect(r.format).toEqual({
      name: 'yolov8-obb',
      reason: 'output output0 holds 4 box rows, 15 class rows and 1 angle row',
    });
    expect(r.spec).toMatchObject({
      task: 'obb',
      outputNames: ['output0'],
      outputFormat: 'yolov8-obb',
      head: { numClasses: 15 },
      labels: DOTA,
      thresholds: { confidence: 0.25, iou: 0.7 },
      preprocess: { ...DETECTOR_PREPROCESS, width: 1024, height: 1024 },
    });
  });

  it('takes a symbolic anchor count (any input size) and the input size from imgsz', () => {
    const sig = signature([['images', [1, 3, 'height', 'width']]], [['output0', [1, 20, 'anchors']]], {
      task: 'obb',
      names: namesMetadata(DOTA),
      imgsz: '[640, 640]',
    });
    expect(recognised(sig).spec).toMatchObject({
      task: 'obb',
      head: { numClasses: 15 },
      preprocess: { width: 640 },
    });
  });

  it('takes a small input whose anchors are fewer than its rows when the labels count the classes', () => {
    // 64×64 gives 8² + 4² + 2² = 84 anchors; 80 classes give 85 rows.
    const sig = signature([['images', [1, 3, 64, 64]]], [['output0', [1, 85, 84]]], {
      task: 'obb',
      names: namesMetadata(labelsOf(80)),
    });
    expect(recognised(sig).spec).toMatchObject({ task: 'obb', head: { numClasses: 80 } });
  });

  it('without metadata, is an obb rocket only through the manifest (the head looks like a detector with one more class)', () => {
    const bare = signature([IMAGE], [HEAD]);
    // Zero-config, a bare head [1, 20, N] reads as a 16-class YOLOv8 detector: the manifest must say.
    expect(recognised(bare).task).toBe('detect');
    const r = recognised(bare, { ...manifest({ task: 'obb' }), labelsFromFile: DOTA });
    expect(r.task).toBe('obb');
    expect(r.reason).toBe('"task": "obb" in rocket.json');
    expect(r.spec).toMatchObject({ head: { numClasses: 15 }, labels: DOTA, labelSource: 'file' });
    // Without labels the classes are numbered.
    expect(recognised(bare, manifest({ task: 'obb' })).spec).toMatchObject({
      head: { numClasses: 15 },
      labels: [],
    });
  });

  it('refuses labels that do not count the classes, saying what to set', () => {
    const message = unsupported(
      signature([IMAGE], [HEAD], { task: 'obb', names: namesMetadata(labelsOf(16)) }),
    );
    expect(message).toContain('output0 [1,20,21504]');
    expect(message).toContain('15 class rows and 1 angle row');
    expect(message).toContain('the labels name 16');
    expect(message).toContain('"labels" in rocket.json');
  });

  it.each([
    ['two outputs', [HEAD, ['output1', [1, 32, 160, 160]]]],
    ['a rank-2 output', [['output0', [20, 21504]]]],
    ['no class row', [['output0', [1, 5, 21504]]]],
    ['anchors before rows (transposed)', [['output0', [1, 21504, 20]]]],
  ] as [string, [string, Dims][]][])('refuses %s, naming the shape obb reads', (_, outputs) => {
    // The manifest's task: zero-config, classify would also claim a rank-2 output.
    const message = unsupported(signature([IMAGE], outputs), {
      ...manifest({ task: 'obb' }),
      labelsFromFile: DOTA,
    });
    expect(message).toContain('task obb reads one output [1, 4 + classes + 1, anchors]');
    for (const [name, dims] of outputs) expect(message).toContain(`${name} [${dims.join(', ')}]`);
    expect(message).toContain('"task" in rocket.json');
  });

  it('refuses another output.format (ROCKET_INVALID): obb reads one layout, yolov8-obb', () => {
    const err = thrown(() =>
      inferSpecWithReasons(
        '/m.obb.onnx',
        signature([IMAGE], [HEAD]),
        manifest({ task: 'obb', output: { format: 'yolov8' } }),
      ),
    );
    expect(err.code).toBe('ROCKET_INVALID');
    expect(err.message).toContain(
      'output.format yolov8 is not read by task obb, which reads one layout, yolov8-obb',
    );
    const named = inferSpecWithReasons(
      '/m.obb.onnx',
      signature([IMAGE], [HEAD]),
      manifest({ task: 'obb', output: { format: 'yolov8-obb' } }),
    );
    expect(named.spec).toMatchObject({ task: 'obb', outputFormat: 'yolov8-obb' });
  });

  it('draws with the image renderer and shows the detect view in the playground', () => {
    expect(Object.keys(obb.renderers)).toEqual(['image']);
    expect(obb.defaultsToImage).toBe(false);
    expect(obb.playground).toEqual({
      panels: ['image-input', 'controls', 'confidence-control', 'iou-control', 'detect-view'],
      query: { confidence: 0.05, iou: 0.9, maxDetections: 1000 },
      accept: 'application/json',
    });
  });

  it('does not claim a model whose metadata names another task', () => {
    for (const task of ['detect', 'segment', 'pose'])
      expect(obb.recognise(signature([IMAGE], [HEAD], { task }), DOTA)).toBeUndefined();
  });
});
