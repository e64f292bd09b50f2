import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './commands/run-cli.js';
import { type Json, json, postImage } from './helpers/http.js';
import {
  type Det,
  type ExpectedBox,
  expectBoxes,
  ULTRAFACE_KIMONO,
  ULTRAFACE_ZIDANE,
  writeRocketDir,
  writeUltraFaceRocket,
} from './helpers/real-rockets.js';
import { failedStartup, startServer, useServer } from './helpers/server.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';

noteIfNoShared('the real-detector tests (YOLO26n, UltraFace, the other Ultralytics tasks)');

const YOLO26 = shared('models', 'detection', 'yolo26n_int8_640.onnx');
const ULTRAFACE = shared('models', 'faces', 'ultraface_rfb_320x240.onnx');
const YOLOV8_SEG = shared('models', 'segmentation', 'yolov8n-seg_int8_320.onnx');
const YOLO11_POSE = shared('models', 'pose', 'yolo11n-pose_w8_640.onnx');
const DEEPLAB = shared('models', 'segmentation', 'deeplabv3_mnv2_voc_257_nhwc.onnx');
const image = (name: string) => readFileSync(shared('images', name));

/** YOLO26n int8 at 640 (../shared/README.md, "Known answers"). */
const YOLO26_BUS: ExpectedBox[] = [
  ['bus', [11.3, 219.3, 809.9, 774.2]],
  ['person', [50.4, 398.0, 241.6, 906.0]],
  ['person', [676.1, 392.7, 810.0, 880.2]],
  ['person', [0.0, 562.3, 65.0, 874.1]],
];
const YOLO26_ZIDANE: ExpectedBox[] = [
  ['person', [743.5, 35.8, 1148.3, 720.0]],
  ['person', [112.6, 193.5, 952.8, 720.0]],
  ['tie', [432.0, 435.6, 524.9, 717.1]],
];
const YOLO26_DOG: ExpectedBox = ['dog', [385.1, 306.1, 500.7, 485.6]];

/** A detect answer: task detect, every confidence a probability; returns its detections. */
function detections(body: Json): Det[] {
  expect(body.task).toBe('detect');
  const dets = body.detections as Det[];
  for (const d of dets) {
    expect(d.confidence, JSON.stringify(d)).toBeGreaterThanOrEqual(0);
    expect(d.confidence, JSON.stringify(d)).toBeLessThanOrEqual(1);
  }
  return dets;
}

const labelsOf = (dets: Det[]) => dets.map((d) => d.label).sort();

describe.skipIf(!hasShared)('YOLO26n int8 (bare .onnx: end-to-end rows, zero config)', () => {
  const server = useServer('npm start server', { ROCKET_URL: YOLO26 });

  it('bus.jpg → bus + 3 persons within 8 px of the reference', async () => {
    const body = await json(await postImage(server().url, image('bus.jpg')));
    expect(body.image).toEqual({ width: 810, height: 1080 });
    const dets = detections(body);
    expect(labelsOf(dets)).toEqual(['bus', 'person', 'person', 'person']);
    expectBoxes(dets, YOLO26_BUS, 8);
  });

  it('zidane.jpg → 2 persons + the tie within 8 px of the reference', async () => {
    const dets = detections(await json(await postImage(server().url, image('zidane.jpg'))));
    expect(labelsOf(dets)).toEqual(['person', 'person', 'tie']);
    expectBoxes(dets, YOLO26_ZIDANE, 8);
  });

  it('street_people_dog_cars.jpg → 2 persons ≥ 0.93 and the dog within 8 px', async () => {
    const dets = detections(await json(await postImage(server().url, image('street_people_dog_cars.jpg'))));
    const sure = dets.filter((d) => d.label === 'person' && d.confidence >= 0.93);
    expect(sure, JSON.stringify(dets)).toHaveLength(2);
    expect(dets.filter((d) => d.label === 'dog')).toHaveLength(1);
    expectBoxes(dets, [YOLO26_DOG], 8);
    expect(dets.some((d) => d.label === 'car')).toBe(true);
  });
});

describe.skipIf(!hasShared)('UltraFace RFB-320 (rocket directory: boxes-scores, background column 0)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeUltraFaceRocket() }));

  it('zidane.jpg → exactly 2 faces within 8 px of the reference', async () => {
    const dets = detections(await json(await postImage(server().url, image('zidane.jpg'))));
    expect(dets, JSON.stringify(dets)).toHaveLength(2);
    expect(labelsOf(dets)).toEqual(['face', 'face']);
    expect(dets.map((d) => d.class)).toEqual([0, 0]);
    expectBoxes(dets, ULTRAFACE_ZIDANE, 8);
  });

  it('person_bicycle.jpg → no face', async () => {
    const dets = detections(await json(await postImage(server().url, image('person_bicycle.jpg'))));
    expect(dets).toEqual([]);
  });

  it('kimono.jpg → one face within 8 px of the reference', async () => {
    const dets = detections(await json(await postImage(server().url, image('kimono.jpg'))));
    expect(dets, JSON.stringify(dets)).toHaveLength(1);
    expectBoxes(dets, ULTRAFACE_KIMONO, 8);
  });
});

describe.skipIf(!hasShared)('acceptance: real models served bare (zero config)', () => {
  it('YOLO26n → ready, answers zidane.jpg right', async () => {
    const server = await startServer('npm start server', { ROCKET_URL: YOLO26 });
    try {
      const health = await json(await fetch(`${server.url}/health`));
      expect(health).toMatchObject({ status: 'ok', rocket: { task: 'detect' } });
      const dets = detections(await json(await postImage(server.url, image('zidane.jpg'))));
      expectBoxes(dets, YOLO26_ZIDANE, 8);
    } finally {
      await server.stop();
    }
  });

  it('UltraFace without a manifest → ROCKET_UNSUPPORTED saying to set output.background', async () => {
    const { code, output } = await failedStartup('npm start server', { ROCKET_URL: ULTRAFACE });
    expect(code, output).toBe(1);
    expect(output).not.toContain('rocket ready');
    expect(output).toContain('ROCKET_UNSUPPORTED');
    expect(output).toMatch(/set output\.background/);
  });

  it('rocket inspect: YOLO26n is recognised as end2end from its metadata', async () => {
    const run = await runCli(['inspect', YOLO26]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^recognised +detect, because end2end: its metadata says end2end: True/m);
    expect(run.stdout).toMatch(/^format +end2end, from its metadata says end2end: True/m);
    expect(run.stdout).not.toMatch(/^not servable/m);
  });

  it.each([
    ['segment', YOLOV8_SEG],
    ['pose', YOLO11_POSE],
    ['semantic', DEEPLAB],
  ])('rocket inspect: the bare model is recognised as %s', async (task, path) => {
    const run = await runCli(['inspect', path]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^recognised +${task}, because`, 'm'));
    expect(run.stdout).not.toMatch(/^not servable/m);
  });
});

/**
 * What a misconfigured rocket does: refuses at startup (`startup` holds the output), or starts
 * and answers bus.jpg (`status`, `body`).
 */
async function outcome(dir: string): Promise<{ startup?: string; status?: number; body?: Json }> {
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer('npm start server', { ROCKET_URL: dir });
  } catch (err) {
    return { startup: (err as Error).message };
  }
  try {
    const res = await postImage(server.url, image('bus.jpg'));
    return { status: res.status, body: await json(res) };
  } finally {
    await server.stop();
  }
}

describe.skipIf(!hasShared)('no garbage: YOLO26n read with a forced wrong output.format', () => {
  const yolov5 = { model: YOLO26, task: 'detect', output: { format: 'yolov5' } };

  it('output.format yolov5 → refused (startup or 500), never 200 with detections', async () => {
    const result = await outcome(writeRocketDir('yolo26-as-v5', { 'rocket.json': yolov5 }));
    expect(result.status).not.toBe(200);
    const message = result.startup ?? result.body?.error?.message ?? '';
    if (result.startup) {
      expect(message).toMatch(/exited with code 1/);
      // The 80 metadata names cannot be yolov5's one class column: refused before the warm-up.
      expect(message).toMatch(/OUTPUT_INVALID|ROCKET_UNSUPPORTED/);
    } else {
      expect(result.status).toBe(500);
      expect(result.body.error.code).toBe('OUTPUT_INVALID');
    }
    expect(message).toContain('output0');
    expect(message).toContain('output.format');
  });

  it('output.format yolov5 with one label (past the label check) → OUTPUT_INVALID, never 200', async () => {
    const result = await outcome(
      writeRocketDir('yolo26-as-v5-one-label', {
        'rocket.json': { ...yolov5, labels: 'labels.json' },
        'labels.json': ['object'],
      }),
    );
    expect(result.status).not.toBe(200);
    const message = result.startup ?? result.body?.error?.message ?? '';
    if (result.startup) {
      expect(message).toContain('OUTPUT_INVALID');
    } else {
      expect(result.status, JSON.stringify(result.body)).toBe(500);
      expect(result.body.error.code).toBe('OUTPUT_INVALID');
      expect(result.body.detections).toBeUndefined();
    }
    expect(message).toContain('output0');
    expect(message).toContain('output.format');
  });
});
