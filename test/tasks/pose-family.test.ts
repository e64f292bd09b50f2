// The pose family on the main thread: zero-config recognition (metadata, or the head's shape with
// class names), what rocket.json's `keypoints` may say and the errors when it cannot fit the model,
// what the playground is told, and the skeleton drawn on a result.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferSpecWithReasons, type ModelSignature } from '../../src/rocket/infer.js';
import { manifestSchema, readManifest } from '../../src/rocket/manifest.js';
import { COCO_KEYPOINTS, COCO_SKELETON } from '../../src/tasks/pose/coco.js';
import { skeletonShapes } from '../../src/tasks/pose/draw.js';
import { pose } from '../../src/tasks/pose/family.js';
import { thrown } from '../helpers/errors.js';
import { imageSpec, labelsOf, namesMetadata, signature } from './helpers.js';

const IMAGE = ['images', [1, 3, 640, 640]] as [string, (number | string)[]];
const PERSON = namesMetadata(['person']);

/** A model with one output of these dims. */
const headed = (dims: (number | string)[], metadata: Record<string, string> = {}) =>
  signature([IMAGE], [['output0', dims]], metadata);

/** Task, format, reasons and spec of a signature, with a manifest (validated as rocket.json is). */
function recognised(sig: ModelSignature, manifest?: Record<string, unknown>) {
  const parsed = manifest ? manifestSchema.parse({ model: 'm.onnx', ...manifest }) : undefined;
  const { spec, recognition, format } = inferSpecWithReasons('/m.onnx', sig, { manifest: parsed });
  return { spec, task: recognition.family.task, reason: recognition.reason, format };
}

/** The error code and message of a signature's configuration. */
function refused(sig: ModelSignature, manifest?: Record<string, unknown>) {
  const err = thrown(() => recognised(sig, manifest));
  return { code: err.code, message: err.message };
}

describe('zero-config recognition of pose models', () => {
  it('reads metadata task: pose with kpt_shape [17, 3]: COCO names and skeleton, the metadata labels', () => {
    const r = recognised(headed([1, 56, 8400], { task: 'pose', kpt_shape: '[17, 3]', names: PERSON }));
    expect(r.task).toBe('pose');
    expect(r.reason).toBe('its metadata says task: pose with kpt_shape: [17, 3]');
    expect(r.format).toEqual({ name: 'yolov8-pose', reason: 'its metadata says kpt_shape: [17, 3]' });
    expect(r.spec).toMatchObject({
      outputNames: ['output0'],
      outputFormat: 'yolov8-pose',
      labels: ['person'],
      labelSource: 'metadata',
      preprocess: { resize: 'letterbox', interpolation: 'bilinear', iccProfile: 'ignore', padValue: 114 },
      thresholds: { confidence: 0.25 },
      head: {
        layout: 'yolov8',
        settings: { numClasses: 1 },
        keypoints: { count: 17, values: 3, names: [...COCO_KEYPOINTS], skeleton: COCO_SKELETON },
      },
    });
  });

  it('reads a head whose rows after its named classes are a multiple of 3, with no task metadata', () => {
    const r = recognised(headed([1, 56, 8400], { names: PERSON }));
    expect(r.task).toBe('pose');
    expect(r.reason).toContain('4 box rows, 1 class row(s) and 51 keypoint values (17 × 3)');
    expect(r.format.reason).toContain('17 keypoints × 3');
    expect(r.spec).toMatchObject({ head: { keypoints: { count: 17, values: 3 } } });
    // Two classes and 5 keypoints: 4 + 2 + 15 rows.
    const small = recognised(headed([1, 21, 'anchors'], { names: namesMetadata(['cat', 'dog']) }));
    expect(small.spec).toMatchObject({
      labels: ['cat', 'dog'],
      head: {
        settings: { numClasses: 2 },
        keypoints: { count: 5, names: ['kp0', 'kp1', 'kp2', 'kp3', 'kp4'], skeleton: [] },
      },
    });
  });

  it('stays out of the way of detectors, segmenters and obb heads', () => {
    expect(recognised(headed([1, 84, 8400], { names: namesMetadata(labelsOf(80)) })).task).toBe('detect');
    // An obb head: one angle row after the classes (not a multiple of 3).
    expect(pose.recognise(headed([1, 20, 8400], { names: namesMetadata(labelsOf(15)) }), [])).toBeUndefined();
    expect(pose.recognise(headed([1, 56, 8400], { task: 'segment', names: PERSON }), [])).toBeUndefined();
    // More rows than anchors is no YOLOv8 head.
    expect(pose.recognise(headed([1, 56, 50], { names: PERSON }), [])).toBeUndefined();
    // Without class names the rows cannot be split into classes and keypoints.
    expect(pose.recognise(headed([1, 56, 8400]), [])).toBeUndefined();
  });

  it('defaults the one class of COCO keypoints to person when the rocket has no labels', () => {
    const r = recognised(headed([1, 56, 8400]), { task: 'pose', keypoints: { shape: [17, 3] } });
    expect(r.format.reason).toBe('keypoints.shape [17, 3] in rocket.json');
    expect(r.spec).toMatchObject({ labels: ['person'], labelSource: 'task' });
  });

  it('reads kpt_shape [K, 2] as keypoints without visibility', () => {
    const r = recognised(
      headed([1, 13, 8400], { task: 'pose', kpt_shape: '[4, 2]', names: namesMetadata(['hand']) }),
    );
    expect(r.spec).toMatchObject({
      head: { settings: { numClasses: 1 }, keypoints: { count: 4, values: 2 } },
    });
    expect(r.spec.input === 'image' && r.spec.outputFormat).toBe('yolov8-pose');
  });
});

describe("rocket.json's keypoints", () => {
  it('gives names and skeleton, winning over the defaults; the playground is told them', () => {
    const keypoints = {
      shape: [3, 3],
      names: ['tip', 'middle', 'base'],
      skeleton: [
        [0, 1],
        [1, 2],
      ],
    };
    const spec = imageSpec(headed([1, 14, 8400]), {
      manifest: manifestSchema.parse({ model: 'm.onnx', task: 'pose', keypoints }),
    });
    expect(spec.labels).toEqual([]);
    expect(pose.playgroundOf?.(spec)).toEqual({
      keypointNames: keypoints.names,
      skeleton: keypoints.skeleton,
    });
    const coco = recognised(
      headed([1, 56, 8400], { task: 'pose', kpt_shape: '[17, 3]', names: PERSON }),
    ).spec;
    expect(coco.input === 'image' && pose.playgroundOf?.(coco)).toEqual({
      keypointNames: [...COCO_KEYPOINTS],
      skeleton: COCO_SKELETON,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a visibility column of 4', { shape: [17, 4] }, 'keypoints.shape.1'],
    ['no keypoints', { shape: [0, 3] }, 'keypoints.shape.0'],
    ['a negative skeleton index', { skeleton: [[0, -1]] }, 'keypoints.skeleton.0.1'],
    ['a limb of three keypoints', { skeleton: [[0, 1, 2]] }, 'keypoints.skeleton.0'],
    ['an empty name', { names: [''] }, 'keypoints.names.0'],
    ['an unknown field', { colours: ['red'] }, 'keypoints'],
  ])('refuses %s as ROCKET_INVALID when the manifest is read', (_what, keypoints, field) => {
    const dir = mkdtempSync(join(tmpdir(), 'rocket-pose-manifest-'));
    writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ model: 'm.onnx', task: 'pose', keypoints }));
    const err = thrown(() => readManifest(join(dir, 'rocket.json')));
    expect(err.code).toBe('ROCKET_INVALID');
    expect(err.message).toContain(`${field}:`);
  });

  it('refuses an output.format other than its one layout, yolov8-pose (ROCKET_INVALID)', () => {
    const sig = headed([1, 56, 8400], { task: 'pose', kpt_shape: '[17, 3]', names: PERSON });
    const err = refused(sig, { output: { format: 'yolov8' } });
    expect(err.code).toBe('ROCKET_INVALID');
    expect(err.message).toContain(
      'output.format yolov8 is not read by task pose, which reads one layout, yolov8-pose',
    );
  });

  it('refuses names that are not one per keypoint, and a limb joining a keypoint beyond K (ROCKET_INVALID)', () => {
    const sig = headed([1, 56, 8400], { task: 'pose', kpt_shape: '[17, 3]', names: PERSON });
    const names = refused(sig, { keypoints: { names: ['nose', 'chin'] } });
    expect(names.code).toBe('ROCKET_INVALID');
    expect(names.message).toContain('keypoints.names in rocket.json has 2 names for 17 keypoints');
    const limb = refused(sig, {
      keypoints: {
        skeleton: [
          [0, 1],
          [16, 17],
        ],
      },
    });
    expect(limb.code).toBe('ROCKET_INVALID');
    expect(limb.message).toContain(
      'keypoints.skeleton in rocket.json joins [16, 17], but keypoint indices are 0 to 16',
    );
  });

  it('refuses a shape the head cannot hold, and a pose model that does not say its keypoints (ROCKET_UNSUPPORTED)', () => {
    const wrong = refused(headed([1, 57, 8400], { names: PERSON }), {
      task: 'pose',
      keypoints: { shape: [17, 3] },
    });
    expect(wrong.code).toBe('ROCKET_UNSUPPORTED');
    expect(wrong.message).toContain(
      'output0 [1, 57, 8400] has 57 rows, but 4 box rows, 1 class(es) and 17 keypoints × 3 make 56',
    );
    expect(wrong.message).toContain('keypoints.shape');
    const unsaid = refused(headed([1, 56, 8400], { task: 'pose' }));
    expect(unsaid.code).toBe('ROCKET_UNSUPPORTED');
    expect(unsaid.message).toContain('set keypoints.shape in rocket.json');
    const twoOutputs = refused(
      signature(
        [IMAGE],
        [
          ['a', [1, 56, 8400]],
          ['b', [1, 32, 160, 160]],
        ],
      ),
      { task: 'pose' },
    );
    expect(twoOutputs.code).toBe('ROCKET_UNSUPPORTED');
  });
});

describe('the drawn skeleton', () => {
  const keypoint = (name: string, x: number, y: number, score: number) => ({ name, x, y, score });
  const detection = {
    label: 'person',
    class: 0,
    confidence: 0.9,
    box: { x1: 0, y1: 0, x2: 100, y2: 100 },
    keypoints: [keypoint('a', 10, 10, 0.9), keypoint('b', 20, 30, 0.6), keypoint('c', 40, 50, 0.3)],
  };

  it('draws the limbs between keypoints scored at least 0.5 and their dots, nothing of the others', () => {
    const svg = skeletonShapes(
      [detection],
      [
        [0, 1],
        [1, 2],
      ],
      4,
    );
    expect(svg.match(/<line /g)).toHaveLength(1);
    expect(svg).toContain('<line x1="10" y1="10" x2="20" y2="30"');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).not.toContain('cx="40"');
  });
});
