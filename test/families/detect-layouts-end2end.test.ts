import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import {
  boxToOriginal,
  buildConstantOutputs,
  DEMO_SIZE,
  detectionsMatching,
  letterbox,
  ultralyticsNames,
} from '../helpers/detectors.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { failedStartup, useServer } from '../helpers/server.js';

// NMS-free rows [x1, y1, x2, y2, score, class] in model-input pixels (320×320: the 640×480 image
// is letterboxed to 320×240 with 40 px on top).
const INPUT = { width: 320, height: 320 };
const ROWS = [
  [40, 60, 120, 140, 0.91, 2],
  [44, 62, 124, 142, 0.83, 2], // overlaps the first (IoU ≈ 0.86, same class): NMS-free, so kept
  [200, 100, 300, 250, 0.52, 0],
  [10, 50, 30, 70, 0.2, 1], // below the default threshold 0.25: dropped
  [150, 150, 170, 170, 0.249, 1], // just below: dropped
];
const PADDING = Array.from({ length: 95 }, () => [0, 0, 0, 0, 0, 0]); // YOLO26 pads to a fixed N
const ALL = [...ROWS, ...PADDING];
const OUTPUT = { name: 'output0', dims: [1, ALL.length, 6], values: ALL.flat() };
const NAMES = ['person', 'bicycle', 'car'];

/** The detections the rows above must give, with their labels. */
function expectedFor(labelOf: (cls: number) => string) {
  const m = letterbox(DEMO_SIZE, INPUT);
  return ROWS.slice(0, 3).map((r) => ({
    class: r[5] as number,
    label: labelOf(r[5] as number),
    confidence: r[4] as number,
    box: boxToOriginal(m, r.slice(0, 4)),
  }));
}

describe.each<{ how: string; metadata: Record<string, string>; labelOf: (cls: number) => string }>([
  {
    how: "metadata end2end: 'True' with names",
    metadata: { end2end: 'True', names: ultralyticsNames(NAMES) },
    labelOf: (c: number) => NAMES[c] as string,
  },
  {
    how: "metadata end2end: 'True' alone",
    metadata: { end2end: 'True' },
    labelOf: (c: number) => String(c),
  },
  {
    how: "metadata args with 'nms': True (no names)",
    metadata: { args: "{'task': 'detect', 'imgsz': 320, 'nms': True, 'batch': 1}" },
    labelOf: (c: number) => String(c),
  },
  {
    how: 'its class names alone (3 names, rows of 6)',
    metadata: { names: ultralyticsNames(NAMES) },
    labelOf: (c: number) => NAMES[c] as string,
  },
])('a generated end2end detector recognised by $how', ({ metadata, labelOf }) => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildConstantOutputs({ input: INPUT, outputs: [OUTPUT], metadata })),
  }));
  let image: Buffer;
  beforeAll(async () => {
    image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
  });

  it('is served as a detector', async () => {
    const health = await json(await fetch(`${server().url}/health`));
    expect(health).toMatchObject({ status: 'ok', rocket: { task: 'detect' } });
  });

  it('returns the rows above the threshold, overlapping ones included (no NMS), in original pixels', async () => {
    const body = await json(await postImage(server().url, image));
    expect(body.detections).toEqual(detectionsMatching(expectedFor(labelOf)));
  });

  it('keeps the overlapping rows even with a strict iou parameter', async () => {
    const body = await json(await postImage(server().url, image, '?iou=0.1&confidence=0.5'));
    expect(body.detections).toEqual(detectionsMatching(expectedFor(labelOf)));
  });

  it('drops the rows at or below the confidence parameter', async () => {
    const body = await json(await postImage(server().url, image, '?confidence=0.85'));
    expect(body.detections).toEqual(detectionsMatching(expectedFor(labelOf).slice(0, 1)));
    const low = await json(await postImage(server().url, image, '?confidence=0.1'));
    expect(low.detections.map((d: { confidence: number }) => d.confidence)).toEqual([
      0.91, 0.83, 0.52, 0.249, 0.2,
    ]);
  });
});

describe('a [1, N, 6] model without end2end, args or names metadata', () => {
  it('is ambiguous (one-class YOLOv5 or NMS-free rows): fails to load with ROCKET_UNSUPPORTED', async () => {
    const path = writeModel(buildConstantOutputs({ input: INPUT, outputs: [OUTPUT] }));
    const { code, output } = await failedStartup('npm start server', { ROCKET_URL: path });
    expect(code).toBe(1);
    expect(output).toContain('ROCKET_UNSUPPORTED');
    expect(output).toContain(`output0 [1, ${ALL.length}, 6]`);
    expect(output).toContain('output.format');
  });
});
