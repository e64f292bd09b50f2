import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { buildConstantDetector, writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';

// Model-input boxes (cx, cy, w, h), objectness and two class scores. The image is 640×480, so
// the letterbox scale is 0.5 on a 320-wide input; ground truth is computed from that.
const ROWS = [
  [100, 100, 40, 60, 0.9, 0.1, 0.95], // → class 1, 0.855
  [102, 101, 40, 60, 0.8, 0.1, 0.9], // duplicate of the first (IoU ≈ 0.9) → suppressed
  [200, 150, 60, 40, 0.5, 0.9, 0.2], // → class 0, 0.45
  [250, 60, 20, 20, 0.1, 0.9, 0.9], // objectness too low → filtered at 0.25
];

/** Expected xyxy in original pixels for a row, given the letterbox offset. */
const expectedBox = (row: number[], offsetY: number) => ({
  x1: ((row[0] as number) - (row[2] as number) / 2) / 0.5,
  y1: ((row[1] as number) - (row[3] as number) / 2 - offsetY) / 0.5,
  x2: ((row[0] as number) + (row[2] as number) / 2) / 0.5,
  y2: ((row[1] as number) + (row[3] as number) / 2 - offsetY) / 0.5,
});

describe.each([
  // YOLOv5/v3 [1, N, 5+C] at 320×320: 640×480 → 320×240, 40 px pad on top.
  {
    layout: 'v5' as const,
    input: { width: 320, height: 320 },
    offsetY: 40,
    scoreOf: (r: number[], c: number) => (r[4] as number) * (r[5 + c] as number),
  },
  // YOLOv8 [1, 4+C, N] at a rectangular 320×256 (no objectness row): 640×480 → 320×240, 8 px pad.
  {
    layout: 'v8' as const,
    input: { width: 320, height: 256 },
    offsetY: 8,
    scoreOf: (r: number[], c: number) => r[5 + c] as number,
  },
])('a generated $layout detector at $input.width×$input.height', ({ layout, input, offsetY, scoreOf }) => {
  // Padded with empty anchors to a realistic head (hundreds of anchors).
  const rows = [
    ...(layout === 'v5' ? ROWS : ROWS.map((r) => [...r.slice(0, 4), 1, ...r.slice(5)])),
    ...Array.from({ length: 300 }, () => [0, 0, 0, 0, 0, 0, 0]),
  ];
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildConstantDetector(layout, input, rows, ['cat', 'dog'])),
  }));
  let image: Buffer;
  beforeAll(async () => {
    image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
  });

  it('finds exactly the boxes it was built with, mapped back through the letterbox', async () => {
    const body = await json(await postImage(server().url, image, '?confidence=0.25&iou=0.5'));
    const expected = layout === 'v5' ? [0, 2] : [0, 2, 3];
    expect(body.detections).toHaveLength(expected.length);
    expected.forEach((rowIndex, i) => {
      const row = rows[rowIndex] as number[];
      const cls = scoreOf(row, 0) >= scoreOf(row, 1) ? 0 : 1; // ties: lowest class index
      const det = body.detections[i];
      expect(det.class).toBe(cls);
      expect(det.label).toBe(['cat', 'dog'][cls]);
      expect(det.confidence).toBeCloseTo(scoreOf(row, cls), 3);
      const box = expectedBox(row, offsetY);
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(det.box[k]).toBeCloseTo(box[k], 0);
    });
  });

  it('filters by the confidence parameter', async () => {
    const strict = await json(await postImage(server().url, image, '?confidence=0.6'));
    expect(strict.detections.map((d: { class: number }) => d.class)).toEqual(
      layout === 'v5' ? [1] : [1, 0, 0],
    );
    const none = await json(await postImage(server().url, image, '?confidence=0.96'));
    expect(none.detections).toEqual([]);
  });
});
