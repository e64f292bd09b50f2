// The detect family's worker side, without a worker: hand-made outputs through head.postprocess,
// for both kernel implementations. Boxes go back through the letterbox, NMS runs unless the model
// is NMS-free, and outputs that cannot be right are OUTPUT_INVALID.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/inference/messages.js';
import { type KernelKind, type Kernels, loadKernels } from '../../src/kernels/index.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { FACE_LANDMARKS } from '../../src/tasks/detect/faces.js';
import { createHead } from '../../src/tasks/detect/head.js';
import { LAYOUTS } from '../../src/tasks/detect/layouts/index.js';
import type { Detection } from '../../src/tasks/detect/schema.js';
import type { Head, OutputView } from '../../src/tasks/types.js';
import { thrown } from '../helpers/errors.js';
import { imageSpec, jobFor, labelsOf, namesMetadata, scrfdSignature, signature } from './helpers.js';

const KINDS: KernelKind[] = ['reference', 'native'];

/** An end2end (YOLO26) rocket at 640×640 with two classes. */
const end2endSpec = () =>
  imageSpec(
    signature([['images', [1, 3, 640, 640]]], [['output0', [1, 300, 6]]], {
      end2end: 'True',
      names: namesMetadata(['person', 'car']),
    }),
  );

/** The [1, 300, 6] output holding these rows (the rest zero, below any threshold). */
function end2endOutput(rows: number[][]): Record<string, OutputView> {
  const data = new Float32Array(300 * 6);
  rows.forEach((row, i) => {
    data.set(row, 6 * i);
  });
  return { output0: { data, dims: [1, 300, 6] } };
}

/** A YOLOv8 rocket at 320×320 with classes cat and dog, and 100 anchors. */
const yolov8Spec = () =>
  imageSpec(
    signature([['images', [1, 3, 320, 320]]], [['output0', [1, 6, 100]]], {
      names: namesMetadata(['cat', 'dog']),
    }),
  );

/** The [1, 6, 100] output of these anchors, given as [cx, cy, w, h, cat, dog]. */
function yolov8Output(anchors: number[][]): Record<string, OutputView> {
  const n = 100;
  const data = new Float32Array(6 * n);
  anchors.forEach((a, i) => {
    a.forEach((v, r) => {
      data[r * n + i] = v;
    });
  });
  return { output0: { data, dims: [1, 6, n] } };
}

const boxOf = (d: Detection) => [d.box.x1, d.box.y1, d.box.x2, d.box.y2];

/** The OUTPUT_INVALID a postprocess throws, checked to explain itself. */
function outputInvalid(head: Head, outputs: Record<string, OutputView>, job: Job, spec: ImageRocketSpec) {
  const err = thrown(() => head.postprocess(outputs, job));
  expect(err.code).toBe('OUTPUT_INVALID');
  expect(err.message).toContain(`Rocket ${spec.name}`);
  expect(err.message).toContain(`read as ${spec.outputFormat}`);
  for (const name of spec.outputNames) expect(err.message).toContain(name);
  expect(err.message).toContain('output.format');
  expect(err.message).toContain('rocket.json');
  // The fix lists every layout there is.
  for (const layout of LAYOUTS) expect(err.message).toContain(layout.name);
  return err;
}

describe.each(KINDS)('detect head with %s kernels', (kind) => {
  let kernels: Kernels;
  beforeAll(() => {
    kernels = loadKernels(kind);
  });

  describe('end2end (YOLO26): NMS-free rows', () => {
    // 1280×960 → 640×480 letterboxed into 640×640: scale 0.5, 80 px of padding on top.
    const original = { width: 1280, height: 960 };

    it('maps boxes back through the letterbox, clamps them, and keeps overlapping rows (no NMS)', () => {
      const spec = end2endSpec();
      const job = jobFor(spec, original);
      expect(job.placement).toMatchObject({ offsetX: 0, offsetY: 80, scaleX: 0.5, scaleY: 0.5 });
      const head = createHead(spec, kernels);
      const { detections } = head.postprocess(
        end2endOutput([
          [100, 180, 300, 380, 0.5, 1],
          [100, 180, 300, 380, 0.9, 0], // the same box, same class: an NMS would drop one
          [100, 180, 300, 380, 0.8, 0],
          [600, 70, 660, 200, 0.6, 1], // overshoots the right and top edges: clamped
          [10, 100, 20, 110, 0.1, 0], // below the 0.25 threshold
        ]),
        job,
      ) as { detections: Detection[] };
      expect(detections.map((d) => [d.label, d.class, d.confidence])).toEqual([
        ['person', 0, 0.9],
        ['person', 0, 0.8],
        ['car', 1, 0.6],
        ['car', 1, 0.5],
      ]);
      expect(boxOf(detections[0] as Detection)).toEqual([200, 200, 600, 600]);
      expect(boxOf(detections[1] as Detection)).toEqual([200, 200, 600, 600]);
      expect(boxOf(detections[2] as Detection)).toEqual([1200, 0, 1280, 240]);
      expect(detections.every((d) => d.keypoints === undefined)).toBe(true);
    });

    it('applies the request confidence threshold and caps at maxDetections, best first', () => {
      const spec = end2endSpec();
      const head = createHead(spec, kernels);
      const rows = [0.3, 0.9, 0.5, 0.7, 0.6].map((s, i) => [10 * i, 100, 10 * i + 5, 110, s, 0]);
      const capped = head.postprocess(end2endOutput(rows), jobFor(spec, original, { maxDetections: 2 }))
        .detections as Detection[];
      expect(capped.map((d) => d.confidence)).toEqual([0.9, 0.7]);
      const high = head.postprocess(end2endOutput(rows), jobFor(spec, original, { confidence: 0.55 }))
        .detections as Detection[];
      expect(high.map((d) => d.confidence)).toEqual([0.9, 0.7, 0.6]);
    });

    it('reuses its buffers: a second image gets only its own detections', () => {
      const spec = end2endSpec();
      const head = createHead(spec, kernels);
      const job = jobFor(spec, original);
      head.postprocess(end2endOutput([[0, 80, 10, 90, 0.9, 0]]), job);
      const second = head.postprocess(end2endOutput([[20, 100, 40, 120, 0.4, 1]]), job)
        .detections as Detection[];
      expect(second).toHaveLength(1);
      expect(second[0]).toMatchObject({ class: 1, confidence: 0.4, box: { x1: 40, y1: 40, x2: 80, y2: 80 } });
    });

    it('accepts boxes a little outside the canvas (objects cut by the edge)', () => {
      const spec = end2endSpec();
      const head = createHead(spec, kernels);
      const { detections } = head.postprocess(
        end2endOutput([[-600, -600, 1200, 1200, 0.9, 0]]),
        jobFor(spec, original),
      ) as { detections: Detection[] };
      expect(boxOf(detections[0] as Detection)).toEqual([0, 0, 1280, 960]);
    });

    it.each<[string, number[], RegExp]>([
      ['a confidence of 4.6', [100, 180, 300, 380, 4.6, 0], /confidence of 4\.6,/],
      ['a class of −1', [100, 180, 300, 380, 0.9, -1], /class that is not a whole number/],
      ['a class of 2.5', [100, 180, 300, 380, 0.9, 2.5], /class that is not a whole number/],
      ['a class beyond the labels', [100, 180, 300, 380, 0.9, 2], /class 2 of a 2-label model/],
      ['a NaN box coordinate', [100, Number.NaN, 300, 380, 0.9, 0], /box coordinate of NaN/],
      [
        'a huge box coordinate',
        [100, 180, 1e6, 380, 0.9, 0],
        /box coordinate of 1000000 for a 640×640 canvas/,
      ],
      ['a box 5 canvases left of the image', [-3200, 180, 300, 380, 0.9, 0], /box coordinate of -3200/],
    ])('OUTPUT_INVALID for %s', (_what, row, message) => {
      const spec = end2endSpec();
      const head = createHead(spec, kernels);
      const err = outputInvalid(
        head,
        end2endOutput([[10, 100, 20, 110, 0.8, 0], row]),
        jobFor(spec, original),
        spec,
      );
      expect(err.message).toMatch(message);
    });

    it('checks only the rows above the threshold (a low-score junk row is not an error)', () => {
      const spec = end2endSpec();
      const head = createHead(spec, kernels);
      const { detections } = head.postprocess(
        end2endOutput([
          [100, 180, 300, 380, 0.9, 0],
          [Number.NaN, 1e9, -1e9, 0, 0.1, 7],
        ]),
        jobFor(spec, original),
      ) as { detections: Detection[] };
      expect(detections).toHaveLength(1);
    });
  });

  describe('yolov8: NMS', () => {
    // 640×480 → 320×240 letterboxed into 320×320: scale 0.5, 40 px of padding on top.
    const original = { width: 640, height: 480 };
    const ANCHORS = [
      [100, 100, 40, 60, 0.9, 0.1], // cat 0.9 → (160, 60, 240, 180)
      [102, 101, 40, 60, 0.8, 0.1], // cat 0.8, IoU ≈ 0.88 with the first: suppressed at 0.7
      [100, 100, 40, 60, 0.1, 0.7], // dog 0.7 on the same box: kept while NMS is class-aware
      [200, 150, 60, 40, 0.5, 0.2], // cat 0.5 elsewhere → (340, 180, 460, 260)
      [250, 60, 20, 20, 0.2, 0.1], // below 0.25
    ];

    it('suppresses overlapping boxes of a class and maps the rest back to the image', () => {
      const spec = yolov8Spec();
      const head = createHead(spec, kernels);
      const detections = head.postprocess(yolov8Output(ANCHORS), jobFor(spec, original))
        .detections as Detection[];
      expect(detections.map((d) => [d.label, d.confidence])).toEqual([
        ['cat', 0.9],
        ['dog', 0.7],
        ['cat', 0.5],
      ]);
      expect(boxOf(detections[0] as Detection)).toEqual([160, 60, 240, 180]);
      expect(boxOf(detections[1] as Detection)).toEqual([160, 60, 240, 180]);
      expect(boxOf(detections[2] as Detection)).toEqual([340, 180, 460, 260]);
    });

    it('follows the request: IoU threshold, class-agnostic NMS, maxDetections', () => {
      const spec = yolov8Spec();
      const head = createHead(spec, kernels);
      const run = (t: Parameters<typeof jobFor>[2]) =>
        (head.postprocess(yolov8Output(ANCHORS), jobFor(spec, original, t)).detections as Detection[]).map(
          (d) => d.confidence,
        );
      expect(run({ iou: 0.9 })).toEqual([0.9, 0.8, 0.7, 0.5]);
      expect(run({ classAware: false })).toEqual([0.9, 0.5]);
      expect(run({ maxDetections: 1 })).toEqual([0.9]);
      expect(run({ confidence: 0.6 })).toEqual([0.9, 0.7]);
    });

    it('OUTPUT_INVALID for a class score above 1 (a misread layout)', () => {
      const spec = yolov8Spec();
      const head = createHead(spec, kernels);
      const err = outputInvalid(
        head,
        yolov8Output([[100, 100, 40, 60, 4.6, 0.1]]),
        jobFor(spec, original),
        spec,
      );
      expect(err.message).toMatch(/confidence of 4\.6,/);
    });
  });

  describe('detr with orig_target_sizes: boxes already in image pixels', () => {
    const spec = () =>
      imageSpec(
        signature(
          [
            ['images', [1, 3, 640, 640]],
            ['orig_target_sizes', [1, 2]],
          ],
          [
            ['labels', [1, 300], 7],
            ['boxes', [1, 300, 4]],
            ['scores', [1, 300]],
          ],
        ),
        { labelsFromFile: labelsOf(80) },
      );
    const outputs = (rows: [number[], number, number][]): Record<string, OutputView> => {
      const boxes = new Float32Array(300 * 4);
      const scores = new Float32Array(300);
      const labels = new BigInt64Array(300);
      rows.forEach(([box, score, label], i) => {
        boxes.set(box, 4 * i);
        scores[i] = score;
        labels[i] = BigInt(label);
      });
      return {
        boxes: { data: boxes, dims: [1, 300, 4] },
        scores: { data: scores, dims: [1, 300] },
        labels: { data: labels, dims: [1, 300] },
      };
    };

    it('feeds the original sizes and returns the boxes unmapped (clamped), without NMS', () => {
      const s = spec();
      const head = createHead(s, kernels);
      const job = jobFor(s, { width: 1280, height: 960 });
      const feeds = head.extraFeeds?.([job, jobFor(s, { width: 20, height: 10 })]);
      expect(feeds?.orig_target_sizes).toMatchObject({ type: 'int64', dims: [2, 2] });
      expect(Array.from(feeds?.orig_target_sizes?.data as BigInt64Array)).toEqual([1280n, 960n, 20n, 10n]);
      const { detections } = head.postprocess(
        outputs([
          [[100, 200, 300, 400], 0.9, 5],
          [[100, 200, 300, 400], 0.8, 5],
          [[1200, 900, 1300, 1000], 0.7, 79],
        ]),
        job,
      ) as { detections: Detection[] };
      expect(detections.map((d) => [d.label, d.confidence, ...boxOf(d)])).toEqual([
        ['c5', 0.9, 100, 200, 300, 400],
        ['c5', 0.8, 100, 200, 300, 400],
        ['c79', 0.7, 1200, 900, 1280, 960],
      ]);
    });

    it('OUTPUT_INVALID for a label beyond the 80 names', () => {
      const s = spec();
      const head = createHead(s, kernels);
      const err = outputInvalid(
        head,
        outputs([[[100, 200, 300, 400], 0.9, 80]]),
        jobFor(s, { width: 1280, height: 960 }),
        s,
      );
      expect(err.message).toContain('class 80 of a 80-label model');
    });
  });

  describe('scrfd (manifest output.format): face boxes with 5 named landmarks', () => {
    // A 64×64 input: strides 8, 16, 32 → 8×8, 4×4 and 2×2 cells, 2 anchors per cell.
    const spec = () =>
      imageSpec(scrfdSignature(64), {
        manifest: { model: 'm.onnx', task: 'detect', output: { format: 'scrfd' } },
      });
    /** A face on anchor 0 of stride-8 cell (row 3, col 4), centred on (32, 24) in the input. */
    const outputs = (score = 0.9): Record<string, OutputView> => {
      const views: Record<string, OutputView> = {};
      for (const s of [8, 16, 32]) {
        const n = 2 * (64 / s) ** 2;
        views[`score_${s}`] = { data: new Float32Array(n), dims: [n, 1] };
        views[`bbox_${s}`] = { data: new Float32Array(4 * n), dims: [n, 4] };
        views[`kps_${s}`] = { data: new Float32Array(10 * n), dims: [n, 10] };
      }
      const i = 2 * (3 * 8 + 4);
      const at = (name: string) => views[name]?.data as Float32Array;
      at('score_8')[i] = score;
      at('bbox_8').set([1, 1, 1, 2], 4 * i); // × 8 → (24, 16, 40, 40)
      at('kps_8').set([-0.5, -0.5, 0.5, -0.5, 0, 0, -0.5, 0.5, 0.5, 0.5], 10 * i);
      return views;
    };

    it('names the landmarks and maps them back with the box (top-left letterbox)', () => {
      const s = spec();
      expect(s.preprocess).toMatchObject({ width: 64, height: 64, align: 'top-left' });
      const head = createHead(s, kernels);
      // 128×128 → 64×64: scale 0.5, no padding.
      const { detections } = head.postprocess(outputs(), jobFor(s, { width: 128, height: 128 })) as {
        detections: Detection[];
      };
      expect(detections).toHaveLength(1);
      const [face] = detections as [Detection];
      expect(face).toMatchObject({ class: 0, confidence: 0.9, box: { x1: 48, y1: 32, x2: 80, y2: 80 } });
      expect(face.keypoints).toEqual([
        { x: 56, y: 40, name: 'left_eye' },
        { x: 72, y: 40, name: 'right_eye' },
        { x: 64, y: 48, name: 'nose' },
        { x: 56, y: 56, name: 'mouth_left' },
        { x: 72, y: 56, name: 'mouth_right' },
      ]);
      expect(face.keypoints?.map((k) => k.name)).toEqual([...FACE_LANDMARKS]);
    });

    it('places a wide image top-left (no offset) and clamps the box, not the landmarks, to it', () => {
      const s = spec();
      const head = createHead(s, kernels);
      // 256×128 → 64×32 at the top-left of 64×64: scale 0.25.
      const job = jobFor(s, { width: 256, height: 128 });
      expect(job.placement).toMatchObject({ offsetX: 0, offsetY: 0, scaleX: 0.25 });
      const [face] = head.postprocess(outputs(), job).detections as [Detection];
      expect(face.box).toEqual({ x1: 96, y1: 64, x2: 160, y2: 128 });
      expect(face.keypoints?.[3]).toEqual({ x: 112, y: 112, name: 'mouth_left' });
    });

    it('OUTPUT_INVALID for a face score above 1', () => {
      const s = spec();
      const head = createHead(s, kernels);
      outputInvalid(head, outputs(1.5), jobFor(s, { width: 128, height: 128 }), s);
    });
  });
});
