/**
 * Oriented-box models made in code: a constant `[1, 4 + C + 1, N]` head (cx, cy, w, h in input
 * pixels, C class scores, the angle in radians), so the right answers are known by construction.
 */
import { expect } from 'vitest';
import { buildConstantOutputs, type Size, ultralyticsNames, writeRocketDir } from './detectors.js';

/** One anchor of a constant OBB head, in model-input pixels; the angle in degrees. */
export interface ObbAnchor {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** One score per class. */
  scores: number[];
  degrees: number;
}

/** The `[1, 4 + C + 1, n]` values of these anchors (the rest zero: no box, no score). */
export function obbHead(anchors: readonly ObbAnchor[], numClasses: number, n = anchors.length): Float32Array {
  const rows = 4 + numClasses + 1;
  const values = new Float32Array(rows * n);
  anchors.forEach((a, i) => {
    const column = [a.cx, a.cy, a.w, a.h, ...a.scores, (a.degrees * Math.PI) / 180];
    column.forEach((v, r) => {
      values[r * n + i] = v;
    });
  });
  return values;
}

/**
 * An Ultralytics-style OBB export at `input` whose head `output0` holds `anchors` among `n`
 * anchors. `metadata` adds what Ultralytics writes (`task: obb`, `names`); without it the model is
 * only an obb rocket through a manifest.
 */
export function buildObbModel(
  input: Size,
  anchors: readonly ObbAnchor[],
  names: readonly string[],
  { metadata = true, n = 64 }: { metadata?: boolean; n?: number } = {},
): Uint8Array {
  return buildConstantOutputs({
    input,
    outputs: [
      { name: 'output0', dims: [1, 4 + names.length + 1, n], values: obbHead(anchors, names.length, n) },
    ],
    metadata: metadata ? { task: 'obb', names: ultralyticsNames(names) } : {},
  });
}

/** The classes of {@link writeObbRocket}. */
export const OBB_LABELS = ['plane', 'ship'];

/** The input size of {@link writeObbRocket}. */
export const OBB_INPUT: Size = { width: 320, height: 320 };

/** The anchors of {@link writeObbRocket} (see there for what each becomes). */
export const OBB_ANCHORS: ObbAnchor[] = [
  { cx: 80, cy: 100, w: 60, h: 20, scores: [0.92, 0], degrees: 0 },
  { cx: 200, cy: 100, w: 40, h: 20, scores: [0, 0.85], degrees: 45 },
  { cx: 80, cy: 200, w: 50, h: 16, scores: [0.8, 0], degrees: 89.9 },
  { cx: 200, cy: 200, w: 16, h: 50, scores: [0, 0.75], degrees: 100 },
  { cx: 270, cy: 100, w: 40, h: 14, scores: [0.7, 0], degrees: 30 },
  { cx: 270, cy: 100, w: 40, h: 14, scores: [0.6, 0], degrees: 32 },
  { cx: 270, cy: 200, w: 60, h: 8, scores: [0.65, 0], degrees: 45 },
  { cx: 270, cy: 200, w: 60, h: 8, scores: [0.55, 0], degrees: -45 },
  { cx: 140, cy: 255, w: 40, h: 20, scores: [0.5, 0.45], degrees: 20 },
  { cx: 140, cy: 255, w: 40, h: 20, scores: [0, 0.45], degrees: 20 },
];

/** An expected oriented detection: box { cx, cy, w, h, angle } and corners in original pixels. */
export interface ExpectedObb {
  label: string;
  confidence: number;
  box: { cx: number; cy: number; w: number; h: number; angle: number };
  corners: [number, number][];
}

/**
 * What {@link writeObbRocket} answers for a 640×480 image at the default thresholds (confidence
 * 0.25, iou 0.7, class-aware NMS), worked out by hand. The image is letterboxed to 320×240 at
 * y = 40 in the 320×320 input, so original = (2 x, 2 (y − 40)); sizes double, angles stay.
 * Corners: centre ± u ± v in Ultralytics' order (u = w/2 along the angle, v = h/2 across it).
 */
export const OBB_ANSWERS: ExpectedObb[] = [
  // 0°: u = (60, 0), v = (0, 20).
  {
    label: 'plane',
    confidence: 0.92,
    box: { cx: 160, cy: 120, w: 120, h: 40, angle: 0 },
    corners: [
      [220, 140],
      [220, 100],
      [100, 100],
      [100, 140],
    ],
  },
  // 45°: u = (28.284, 28.284), v = (−14.142, 14.142).
  {
    label: 'ship',
    confidence: 0.85,
    box: { cx: 400, cy: 120, w: 80, h: 40, angle: 0.7854 },
    corners: [
      [414.1, 162.4],
      [442.4, 134.1],
      [385.9, 77.6],
      [357.6, 105.9],
    ],
  },
  // 89.9° stays (under π/2): u = (0.0873, 49.9999), v = (−15.99998, 0.0279).
  {
    label: 'plane',
    confidence: 0.8,
    box: { cx: 160, cy: 320, w: 100, h: 32, angle: 1.5691 },
    corners: [
      [144.1, 370],
      [176.1, 370],
      [175.9, 270],
      [143.9, 270],
    ],
  },
  // Given 16 × 50 at 100°: 100° mod 180° ≥ 90°, so the sides swap and the angle is 100° mod 90° = 10°.
  // u = (49.2404, 8.6824), v = (−2.7784, 15.7569).
  {
    label: 'ship',
    confidence: 0.75,
    box: { cx: 400, cy: 320, w: 100, h: 32, angle: 0.1745 },
    corners: [
      [446.5, 344.4],
      [452, 312.9],
      [353.5, 295.6],
      [348, 327.1],
    ],
  },
  // 30°; its twin at 32° (probiou 0.97) is suppressed. u = (34.641, 20), v = (−7, 12.124).
  {
    label: 'plane',
    confidence: 0.7,
    box: { cx: 540, cy: 120, w: 80, h: 28, angle: 0.5236 },
    corners: [
      [567.6, 152.1],
      [581.6, 127.9],
      [512.4, 87.9],
      [498.4, 112.1],
    ],
  },
  // A cross: 60 × 8 at +45° and at −45° have the same axis-aligned box (IoU 1) but probiou 0.14,
  // so both stay. u = (42.426, 42.426), v = (−5.657, 5.657).
  {
    label: 'plane',
    confidence: 0.65,
    box: { cx: 540, cy: 320, w: 120, h: 16, angle: 0.7854 },
    corners: [
      [576.8, 368.1],
      [588.1, 356.8],
      [503.2, 271.9],
      [491.9, 283.2],
    ],
  },
  // −45° regularises to 8 × 60 at 45°: u = (5.657, 5.657), v = (−42.426, 42.426).
  {
    label: 'plane',
    confidence: 0.55,
    box: { cx: 540, cy: 320, w: 16, h: 120, angle: 0.7854 },
    corners: [
      [503.2, 368.1],
      [588.1, 283.2],
      [576.8, 271.9],
      [491.9, 356.8],
    ],
  },
  // One box, two classes (plane 0.5; ship 0.45 from the next anchor): class-aware NMS keeps both.
  // 20°: u = (37.588, 13.681), v = (−6.840, 18.794).
  ...[
    ['plane', 0.5],
    ['ship', 0.45],
  ].map(([label, confidence]) => ({
    label: label as string,
    confidence: confidence as number,
    box: { cx: 280, cy: 430, w: 80, h: 40, angle: 0.3491 },
    corners: [
      [310.7, 462.5],
      [324.4, 424.9],
      [249.3, 397.5],
      [235.6, 435.1],
    ] as [number, number][],
  })),
];

/**
 * A matcher for a list of oriented detections, in order: label and class exactly, the confidence
 * to 3 decimals, pixels within 0.05 (the server rounds them to 0.1 px), angles within 5e-5 rad.
 */
export function obbDetectionsMatching(expected: readonly ExpectedObb[], labels = OBB_LABELS) {
  const px = (v: number) => expect.closeTo(v, 1);
  return expected.map((e) => ({
    label: e.label,
    class: labels.indexOf(e.label),
    confidence: expect.closeTo(e.confidence, 3),
    box: {
      cx: px(e.box.cx),
      cy: px(e.box.cy),
      w: px(e.box.w),
      h: px(e.box.h),
      angle: expect.closeTo(e.box.angle, 4),
    },
    corners: e.corners.map(([x, y]) => [px(x), px(y)]),
  }));
}

/**
 * A rocket directory (`model.onnx` without metadata, `labels.txt` with plane and ship, and
 * `rocket.json` with `"task": "obb"`) whose 320×320 head holds {@link OBB_ANCHORS} among 64
 * anchors. For any 640×480 image (e.g. renderDemoScene(demoScenes.shapes)) it answers
 * {@link OBB_ANSWERS}, 9 detections, at the default thresholds and at the playground's
 * (confidence 0.05, iou 0.9); `iou=0.1` also suppresses the −45° arm of the cross (plane 0.55).
 * Returns the directory's path.
 */
export function writeObbRocket(): string {
  return writeRocketDir(
    buildObbModel(OBB_INPUT, OBB_ANCHORS, OBB_LABELS, { metadata: false }),
    { name: 'obb-constant', task: 'obb', labels: 'labels.txt' },
    { 'labels.txt': `${OBB_LABELS.join('\n')}\n` },
  );
}
