import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, postImage } from './helpers/http.js';
import { failedStartup, useServer } from './helpers/server.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';

noteIfNoShared('the real-model tests (YOLOv8n, MobileNetV2, negative models)');

interface Det {
  label: string;
  class: number;
  confidence: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

const YOLO = shared('models', 'detection', 'yolov8n_int8_640.onnx');
const image = (name: string) => readFileSync(shared('images', name));

/** Finds, for each expected box, a detection of that label within `tolerance` px on every side. */
function expectBoxes(detections: Det[], expected: [string, number[]][], tolerance: number): void {
  const unused = [...detections];
  for (const [label, [x1, y1, x2, y2]] of expected) {
    const i = unused.findIndex(
      (d) =>
        d.label === label &&
        Math.abs(d.box.x1 - (x1 as number)) <= tolerance &&
        Math.abs(d.box.y1 - (y1 as number)) <= tolerance &&
        Math.abs(d.box.x2 - (x2 as number)) <= tolerance &&
        Math.abs(d.box.y2 - (y2 as number)) <= tolerance,
    );
    expect(
      i,
      `${label} [${x1}, ${y1}, ${x2}, ${y2}] in ${JSON.stringify(detections)}`,
    ).toBeGreaterThanOrEqual(0);
    unused.splice(i, 1);
  }
}

describe.skipIf(!hasShared)('YOLOv8n int8 (bare .onnx, labels from its metadata)', () => {
  const server = useServer('npm start server', { ROCKET_URL: YOLO });

  it('bus.jpg → 4 person + 1 bus within 8 px of the reference (conf 0.25, IoU 0.7)', async () => {
    const body = await json(await postImage(server().url, image('bus.jpg'), '?confidence=0.25&iou=0.7'));
    expect(body.image).toEqual({ width: 810, height: 1080 });
    const labels = body.detections.map((d: Det) => d.label).sort();
    expect(labels).toEqual(['bus', 'person', 'person', 'person', 'person']);
    expectBoxes(
      body.detections,
      [
        ['person', [672.1, 373.8, 810.0, 878.9]],
        ['person', [50.4, 399.0, 243.0, 902.6]],
        ['person', [220.8, 408.0, 343.6, 856.9]],
        ['bus', [32.5, 231.2, 799.1, 768.3]],
        ['person', [0.0, 551.2, 60.4, 867.9]],
      ],
      8,
    );
    const bus = body.detections.find((d: Det) => d.label === 'bus');
    expect(bus.class).toBe(5);
    expect(bus.confidence).toBeGreaterThan(0.8);
  });

  it('zidane.jpg → the two persons and the tie, as the reference pipeline gives them', async () => {
    const body = await json(await postImage(server().url, image('zidane.jpg')));
    // The detect default resize samples like the reference's OpenCV bilinear, so even the thin
    // tie (16 px off with libvips' antialiased bilinear) lands within a pixel (docs/rocket.md).
    expectBoxes(
      body.detections,
      [
        ['person', [113.6, 194.2, 1112.5, 709.7]],
        ['person', [748.8, 43.6, 1136.4, 708.8]],
        ['tie', [435.4, 436.2, 524.3, 713.3]],
      ],
      1,
    );
  });

  it('keeps answering /health while 4 clients keep bus.jpg requests in flight', async () => {
    const bus = image('bus.jpg');
    let finished = 0;
    const inflight = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 3; i++) {
        const res = await postImage(server().url, bus);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      finished++;
    });
    await new Promise((r) => setTimeout(r, 150));
    const probes: number[] = [];
    for (let i = 0; i < 5; i++) probes.push((await fetch(`${server().url}/health`)).status);
    const finishedWhenProbed = finished;
    await Promise.all(inflight);
    expect(probes).toEqual([200, 200, 200, 200, 200]);
    // The probes were answered while inference was still queued, not after it drained.
    expect(finishedWhenProbed).toBe(0);
  });
});

describe.skipIf(!hasShared)('MobileNetV2 int8 with a rocket.json manifest (labels file)', () => {
  const server = useServer('npm start server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rocket-mobilenet-'));
    writeFileSync(
      join(dir, 'rocket.json'),
      JSON.stringify({
        name: 'mobilenetv2',
        version: '12-int8',
        model: shared('models', 'classification', 'mobilenetv2-12-int8.onnx'),
        labels: shared('models', 'classification', 'imagenet_classes.txt'),
      }),
    );
    return { ROCKET_URL: dir };
  });

  it.each([
    ['samoyed_dog.jpg', [258], 'Samoyed'],
    ['imagenet_finch.jpeg', [12], 'house finch'],
    ['goldfish.jpg', [1], 'goldfish'],
    ['pelican.jpeg', [144], 'pelican'],
    ['kimono.jpg', [614], 'kimono'],
    ['tabby_cat_small.jpg', [281, 282, 283, 284, 285], undefined],
  ] as const)('%s → top-1 class %j', async (name, classes, label) => {
    const body = await json(await postImage(server().url, image(name)));
    const top = body.predictions[0];
    expect(classes).toContain(top.class);
    if (label) expect(top.label).toBe(label);
  });
});

describe.skipIf(!hasShared)('models that must not load', () => {
  it.each([['super_resolution_ir1_no_opset.onnx'], ['supres_needs_contrib_ops.onnx']])(
    '%s fails at startup with MODEL_LOAD_FAILED naming the file',
    async (name) => {
      const path = shared('models', 'negative', name);
      const { code, output } = await failedStartup('npm start server', { ROCKET_URL: path });
      expect(code).toBe(1);
      expect(output).toContain('MODEL_LOAD_FAILED');
      expect(output).toContain(path);
    },
  );
});

describe('rocket paths that do not exist', () => {
  it('stop startup with ROCKET_NOT_FOUND naming the path', async () => {
    const { code, output } = await failedStartup('npm start server', {
      ROCKET_URL: '/nonexistent/model.onnx',
    });
    expect(code).toBe(1);
    expect(output).toContain('ROCKET_NOT_FOUND');
    expect(output).toContain('/nonexistent/model.onnx');
  });

  it('say that a registry name needs ROCKET_REGISTRY when none is set', async () => {
    const { code, output } = await failedStartup('npm start server', { ROCKET_URL: 'lucas/yolov3' });
    expect(code).toBe(1);
    expect(output).toContain('ROCKET_URL_UNSUPPORTED');
  });
});
