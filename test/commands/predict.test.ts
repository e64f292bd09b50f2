import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes } from '../../src/demo/images.js';
import { writeColourRocket } from '../helpers/models.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import { encodeBmp } from '../image/bmp-encode.js';
import { awayFrom, insideEdge, meanDiff, rgbOf } from '../image/pixels.js';
import { runCli } from './run-cli.js';
import { writeShapesScene } from './shapes-scene.js';

describe('rocket predict', () => {
  let dir: string;
  let scene: string;

  beforeAll(async () => {
    ({ dir, scene } = await writeShapesScene('rocket-predict-'));
  });

  it('prints the /process JSON for one image (the demo rocket by default)', async () => {
    const run = await runCli(['predict', scene]);
    expect(run.code, run.stderr).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body).toMatchObject({
      rocket: { name: 'demo-detector' },
      task: 'detect',
      image: { width: 640, height: 480 },
    });
    expect(body.detections.map((d: { label: string }) => d.label).sort()).toEqual(['blue', 'green', 'red']);
  });

  it('takes threshold flags through the same validation as the query string', async () => {
    const one = await runCli(['predict', scene, '--max-detections', '1']);
    expect(JSON.parse(one.stdout).detections).toHaveLength(1);
    const bad = await runCli(['predict', scene, '--confidence', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'INVALID_PARAMETER: Expected a number from 0 to 1 for confidence but received "2"',
    );
  });

  it('reads BMP images', async () => {
    const raw = await rgbOf(readFileSync(scene));
    const bmp = join(dir, 'shapes.bmp');
    writeFileSync(bmp, encodeBmp({ width: 640, height: 480, rgb: raw.data }, { bpp: 32 }));
    const run = await runCli(['predict', bmp]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).detections).toHaveLength(3);
  });

  it('--out writes the annotated JPEG at the original size', async () => {
    const out = join(dir, 'shapes.out.jpg');
    const run = await runCli(['predict', scene, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Wrote ${out}\n`);
    const [before, after] = await Promise.all([rgbOf(readFileSync(scene)), rgbOf(readFileSync(out))]);
    expect([after.width, after.height]).toEqual([640, 480]);
    const boxes = demoScenes.shapes.objects.map((o) => o.box);
    for (const box of boxes) expect(meanDiff(after, before, insideEdge(box, 1))).toBeGreaterThan(25);
    expect(meanDiff(after, before, awayFrom(boxes))).toBeLessThan(4);
  });

  it('fails clearly: --out with a classify rocket, a missing image, a bad rocket', async () => {
    const classify = await runCli([
      'predict',
      scene,
      '--rocket',
      writeColourRocket(),
      '--out',
      join(dir, 'x.jpg'),
    ]);
    expect(classify.code).toBe(1);
    expect(classify.stderr).toContain(
      '--out writes an image, but rocket colour (classify) answers JSON only',
    );
    const missing = await runCli(['predict', join(dir, 'absent.jpg')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('INPUT_UNREADABLE: Cannot read image');
    const noRocket = await runCli(['predict', scene, '--rocket', '/nonexistent/model.onnx']);
    expect(noRocket.code).toBe(1);
    expect(noRocket.stderr).toContain('ROCKET_NOT_FOUND');
    const noImage = await runCli(['predict']);
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toContain('Usage: rocket predict');
  });
});

noteIfNoShared('rocket predict on bus.jpg');
describe.skipIf(!hasShared)('rocket predict bus.jpg --out (YOLOv8n)', () => {
  it('writes an image showing the 5 boxes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rocket-bus-'));
    const out = join(dir, 'bus.jpg.out.jpg');
    const bus = shared('images', 'bus.jpg');
    const rocket = shared('models', 'detection', 'yolov8n_int8_640.onnx');
    const run = await runCli(['predict', bus, '--rocket', rocket, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Wrote ${out}\n`);
    const json = JSON.parse((await runCli(['predict', bus, '--rocket', rocket])).stdout);
    const boxes = json.detections.map((d: { box: object }) => d.box);
    expect(json.detections.map((d: { label: string }) => d.label).sort()).toEqual([
      'bus',
      'person',
      'person',
      'person',
      'person',
    ]);
    const [before, after] = await Promise.all([rgbOf(readFileSync(bus)), rgbOf(readFileSync(out))]);
    expect([after.width, after.height]).toEqual([810, 1080]);
    for (const box of boxes) expect(meanDiff(after, before, insideEdge(box, 2))).toBeGreaterThan(25);
  });
});
