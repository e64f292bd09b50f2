// How the segment family claims and configures models: from metadata `task: segment`, or from a
// head [1, 4 + C + M, N] beside prototypes [1, M, h, w]; a model that does not fit is
// ROCKET_UNSUPPORTED saying what to set.
import { describe, expect, it } from 'vitest';
import { DETECTOR_PREPROCESS } from '../../src/tasks/detect/family.js';
import { recogniseFamily } from '../../src/tasks/recognise.js';
import { segment } from '../../src/tasks/segment/family.js';
import { thrown } from '../helpers/errors.js';
import { imageSpec, labelsOf, namesMetadata, signature } from './helpers.js';

/** YOLOv8n-seg at 320: 4 + 80 + 32 = 116 rows over 2100 anchors, 32 prototypes of 80×80. */
const seg = (metadata: Record<string, string> = {}, head = 116, protos = 32) =>
  signature(
    [['images', [1, 3, 320, 320]]],
    [
      ['output0', [1, head, 2100]],
      ['output1', [1, protos, 80, 80]],
    ],
    metadata,
  );

const COCO = namesMetadata(labelsOf(80));

describe('the segment family', () => {
  it('claims a model whose metadata says task: segment, and reads its head', () => {
    const sig = seg({ task: 'segment', names: COCO });
    expect(recogniseFamily('/m.onnx', sig, labelsOf(80)).family.task).toBe('segment');
    const spec = imageSpec(sig);
    expect(spec).toMatchObject({
      task: 'segment',
      outputNames: ['output0', 'output1'],
      outputFormat: 'yolov8-seg',
      head: { layout: 'yolov8-seg', settings: { numClasses: 80, numMasks: 32 } },
      thresholds: { confidence: 0.25 },
      preprocess: { ...DETECTOR_PREPROCESS, width: 320, height: 320 },
    });
  });

  it('claims the two outputs without metadata, with or without labels', () => {
    expect(segment.recognise(seg(), [])).toContain('80 class scores and 32 mask coefficients');
    expect(segment.recognise(seg(), labelsOf(80))).toBeDefined();
    expect(imageSpec(seg()).head).toMatchObject({ settings: { numClasses: 80, numMasks: 32 } });
    // Prototypes listed first: still read by rank.
    const swapped = signature(
      [['images', [1, 3, 320, 320]]],
      [
        ['protos', [1, 32, 80, 80]],
        ['dets', [1, 116, 2100]],
      ],
    );
    expect(imageSpec(swapped).outputNames).toEqual(['dets', 'protos']);
  });

  it('does not claim outputs that do not fit, nor another task’s metadata', () => {
    expect(segment.recognise(seg(), labelsOf(3))).toBeUndefined(); // 4 + 3 + 32 ≠ 116
    expect(segment.recognise(seg({}, 36), [])).toBeUndefined(); // no class rows left
    expect(segment.recognise(seg({ task: 'detect' }), [])).toBeUndefined();
    const plain = signature([['images', [1, 3, 640, 640]]], [['output0', [1, 84, 8400]]]);
    expect(segment.recognise(plain, labelsOf(80))).toBeUndefined();
  });

  it('is ROCKET_UNSUPPORTED naming labels and task when the labels do not fit the head', () => {
    const err = thrown(() => imageSpec(seg({ task: 'segment' }), { labelsFromFile: labelsOf(79) }));
    expect(err.code).toBe('ROCKET_UNSUPPORTED');
    expect(err.message).toContain('80 class scores');
    expect(err.message).toContain('the labels name 79');
    expect(err.message).toContain('"labels" in rocket.json');
    expect(err.message).toContain('"task"');
  });

  it('is ROCKET_UNSUPPORTED when task: segment has no prototypes', () => {
    const sig = signature([['images', [1, 3, 640, 640]]], [['output0', [1, 116, 8400]]], {
      task: 'segment',
    });
    const err = thrown(() => imageSpec(sig));
    expect(err.code).toBe('ROCKET_UNSUPPORTED');
    expect(err.message).toContain('mask prototypes [1, M, h, w]');
    expect(err.message).toContain('output0 [1, 116, 8400]');
  });

  it('takes output.format yolov8-seg and refuses a detector layout', () => {
    const manifest = { model: 'm.onnx', task: 'segment' as const, output: { format: 'yolov8-seg' } };
    expect(imageSpec(seg(), { manifest }).task).toBe('segment');
    const err = thrown(() => imageSpec(seg(), { manifest: { ...manifest, output: { format: 'yolov8' } } }));
    expect(err.code).toBe('ROCKET_INVALID');
    expect(err.message).toContain('yolov8-seg');
  });

  it('declares the masks query parameter: polygon, rle or none', () => {
    const masks = segment.query?.masks;
    expect(masks?.schema.safeParse('rle').success).toBe(true);
    expect(masks?.schema.safeParse('mask').success).toBe(false);
  });
});
