// The obb family's worker side, without a worker: constant heads through head.postprocess, for
// both kernel implementations. Boxes and corners come back in original pixels as worked out by
// hand (test/helpers/obb-models.ts), rotated NMS merges or keeps overlapping boxes, and outputs
// that cannot be right are OUTPUT_INVALID.
import { beforeAll, describe, expect, it } from 'vitest';
import { type KernelKind, type Kernels, loadKernels } from '../../src/kernels/index.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { createHead } from '../../src/tasks/obb/head.js';
import type { ObbDetection } from '../../src/tasks/obb/schema.js';
import type { OutputView } from '../../src/tasks/types.js';
import { thrown } from '../helpers/errors.js';
import {
  OBB_ANCHORS,
  OBB_ANSWERS,
  OBB_LABELS,
  type ObbAnchor,
  obbDetectionsMatching,
  obbHead,
} from '../helpers/obb-models.js';
import { imageSpec, jobFor, namesMetadata, signature } from './helpers.js';

const KINDS: KernelKind[] = ['reference', 'native'];
const N = 64;

/** An Ultralytics OBB export at 320×320 with classes plane and ship, `n` anchors. */
const obbSpec = (manifest: Record<string, unknown> = {}, n = N) =>
  imageSpec(
    signature([['images', [1, 3, 320, 320]]], [['output0', [1, 7, n]]], {
      task: 'obb',
      names: namesMetadata(OBB_LABELS),
    }),
    Object.keys(manifest).length > 0 ? { manifest: { model: 'm.onnx', ...manifest } } : {},
  );

const outputOf = (anchors: readonly ObbAnchor[], n = N): Record<string, OutputView> => ({
  output0: { data: obbHead(anchors, 2, n), dims: [1, 7, n] },
});

/** 640×480: letterboxed to 320×240 at y = 40 (scale 0.5). */
const PHOTO = { width: 640, height: 480 };

const labelsAndScores = (detections: ObbDetection[]) => detections.map((d) => [d.label, d.confidence]);

describe.each(KINDS)('obb head with %s kernels', (kind) => {
  let kernels: Kernels;
  beforeAll(() => {
    kernels = loadKernels(kind);
  });

  const run = (spec: ImageRocketSpec, anchors: readonly ObbAnchor[], thresholds = {}, original = PHOTO) =>
    createHead(spec, kernels).postprocess(outputOf(anchors), jobFor(spec, original, thresholds))
      .detections as ObbDetection[];

  it('maps boxes at 0°, 45°, 89.9° and a regularised w < h through the letterbox, as worked out by hand', () => {
    const spec = obbSpec();
    expect(jobFor(spec, PHOTO).placement).toMatchObject({
      offsetX: 0,
      offsetY: 40,
      scaleX: 0.5,
      scaleY: 0.5,
    });
    const detections = run(spec, OBB_ANCHORS);
    expect(detections).toEqual(obbDetectionsMatching(OBB_ANSWERS));
    // Exactly the fields of the schema: the xyxy box is replaced.
    expect(Object.keys(detections[0] as object)).toEqual(['label', 'class', 'confidence', 'box', 'corners']);
  });

  it('keeps the angle in [0, π/2) and rounds it to 4 decimals, pixels to 0.1', () => {
    for (const d of run(obbSpec(), OBB_ANCHORS)) {
      expect(d.box.angle).toBeGreaterThanOrEqual(0);
      expect(d.box.angle).toBeLessThan(Math.PI / 2);
      expect(Math.round(d.box.angle * 1e4) / 1e4).toBe(d.box.angle);
      for (const v of [d.box.cx, d.box.cy, d.box.w, d.box.h, ...d.corners.flat()])
        expect(Math.round(v * 10) / 10).toBe(v);
    }
  });

  it('reports an angle just under π/2 as 1.5707, never π/2 rounded up', () => {
    const [d] = run(obbSpec(), [{ cx: 160, cy: 160, w: 40, h: 10, scores: [0.9, 0], degrees: 89.999 }]);
    expect(d?.box.angle).toBe(1.5707);
  });

  describe('rotated NMS (probiou)', () => {
    it('merges the same class at high probiou: the 30° box suppresses its 32° twin (probiou 0.97)', () => {
      const twins = OBB_ANCHORS.slice(4, 6);
      expect(labelsAndScores(run(obbSpec(), twins))).toEqual([['plane', 0.7]]);
      // Above the overlap, both stay.
      expect(labelsAndScores(run(obbSpec(), twins, { iou: 0.98 }))).toEqual([
        ['plane', 0.7],
        ['plane', 0.6],
      ]);
    });

    it('keeps a cross whose axis-aligned boxes are identical (probiou 0.14), unless iou is below that', () => {
      const cross = OBB_ANCHORS.slice(6, 8);
      expect(labelsAndScores(run(obbSpec(), cross))).toEqual([
        ['plane', 0.65],
        ['plane', 0.55],
      ]);
      expect(labelsAndScores(run(obbSpec(), cross, { iou: 0.1 }))).toEqual([['plane', 0.65]]);
    });

    it('keeps one box of two classes with class-aware NMS, merges them with agnostic NMS', () => {
      const pair = OBB_ANCHORS.slice(8, 10);
      expect(labelsAndScores(run(obbSpec(), pair))).toEqual([
        ['plane', 0.5],
        ['ship', 0.45],
      ]);
      expect(labelsAndScores(run(obbSpec(), pair, { classAware: false }))).toEqual([['plane', 0.5]]);
    });

    it('applies the confidence threshold and maxDetections, best first', () => {
      expect(labelsAndScores(run(obbSpec(), OBB_ANCHORS, { confidence: 0.72 }))).toEqual([
        ['plane', 0.92],
        ['ship', 0.85],
        ['plane', 0.8],
        ['ship', 0.75],
      ]);
      expect(run(obbSpec(), OBB_ANCHORS, { maxDetections: 2 })).toEqual(
        obbDetectionsMatching(OBB_ANSWERS.slice(0, 2)),
      );
    });
  });

  it('maps through a non-uniform stretch: exact corners, the box with the same centre, first side and area', () => {
    // 640×320 stretched to 320×320: x halves, y stays.
    const spec = obbSpec({ task: 'obb', preprocess: { resize: 'stretch' } });
    const [d] = run(
      spec,
      [{ cx: 160, cy: 160, w: 40, h: 20, scores: [0.9, 0], degrees: 45 }],
      {},
      {
        width: 640,
        height: 320,
      },
    );
    // Input corners: (160, 160) ± u ± v with u = (14.142, 14.142), v = (−7.071, 7.071); x doubles.
    expect(d?.corners).toEqual([
      [expect.closeTo(334.1, 1), expect.closeTo(181.2, 1)],
      [expect.closeTo(362.4, 1), expect.closeTo(167.1, 1)],
      [expect.closeTo(305.9, 1), expect.closeTo(138.8, 1)],
      [expect.closeTo(277.6, 1), expect.closeTo(152.9, 1)],
    ]);
    // u → (28.284, 14.142): w = 2 × 31.623, angle atan(1/2); area 40 × 20 × 2 = 1600 = w × h.
    expect(d?.box).toEqual({ cx: 320, cy: 160, w: 63.2, h: 25.3, angle: 0.4636 });
  });

  it('reads a larger head after a smaller one (buffers grow)', () => {
    const small = obbSpec();
    const large = obbSpec({}, 4 * N);
    const head = createHead(large, kernels);
    const many = Array.from({ length: 3 * N }, (_, i) => ({
      cx: 10 + (i % 16) * 19,
      cy: 50 + Math.floor(i / 16) * 18,
      w: 8,
      h: 4,
      scores: [0.5, 0],
      degrees: i,
    }));
    const first = head.postprocess(outputOf(OBB_ANCHORS), jobFor(small, PHOTO)).detections;
    const second = head.postprocess(outputOf(many, 4 * N), jobFor(large, PHOTO)).detections;
    expect(first).toEqual(obbDetectionsMatching(OBB_ANSWERS));
    expect(second).toHaveLength(3 * N);
  });

  describe('outputs that cannot be right: OUTPUT_INVALID', () => {
    const invalid = (anchor: Partial<ObbAnchor>) => {
      const spec = obbSpec();
      const head = createHead(spec, kernels);
      const anchors = [{ cx: 100, cy: 100, w: 40, h: 20, scores: [0.9, 0], degrees: 30, ...anchor }];
      const err = thrown(() => head.postprocess(outputOf(anchors), jobFor(spec, PHOTO)));
      expect(err.code).toBe('OUTPUT_INVALID');
      expect(err.message).toContain(`Rocket ${spec.name}`);
      expect(err.message).toContain('output0');
      expect(err.message).toContain('yolov8-obb');
      return err.message;
    };

    it.each([
      ['NaN', Number.NaN, 'an angle of NaN rad'],
      ['infinite', Number.POSITIVE_INFINITY, 'an angle of Infinity rad'],
      ['in degrees (720° is 12.57 rad, beyond ±2π)', 720, 'an angle of 12.56637 rad'],
    ])('an angle that is %s', (_, degrees, what) => {
      const message = invalid({ degrees });
      expect(message).toContain(what);
      expect(message).toContain('[1, 4 + classes + 1, anchors]');
    });

    it('a box of negative size', () => {
      expect(invalid({ w: -10 })).toContain('a box of negative size -10 × 20');
    });

    it('a confidence above 1 (the checks shared with detect)', () => {
      expect(invalid({ scores: [1.5, 0] })).toContain('a confidence of 1.5');
    });
  });
});
