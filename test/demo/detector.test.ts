import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDetector, DEMO_INPUT_SIZE } from '../../src/demo/detector.js';
import { DEMO_LABELS, type DemoScene, demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { DataType } from '../../src/onnx/data-types.js';
import { readModelInfo } from '../../src/onnx/read.js';
import { type Detection, detect, iou, letterbox } from './detect.js';

let session: ort.InferenceSession;
const model = buildDemoDetector();

beforeAll(async () => {
  session = await ort.InferenceSession.create(model);
});

const run = (image: Buffer, conf = 0.25) =>
  detect(session, ort.Tensor, image, { size: DEMO_INPUT_SIZE, classes: DEMO_LABELS.length, conf, iou: 0.7 });

/** Every ground-truth object is found once with the right label, IoU ≥ 0.9, score ≥ 0.5; nothing else scores > 0.5. */
function expectMatches(scene: DemoScene, detections: Detection[]) {
  const unmatched = detections.filter((d) => d.score > 0.5);
  for (const object of scene.objects) {
    const best = unmatched
      .filter((d) => DEMO_LABELS[d.classIndex] === object.label)
      .sort((a, b) => iou(b.box, object.box) - iou(a.box, object.box))[0];
    expect(best, `${scene.name}: ${object.label} at ${JSON.stringify(object.box)}`).toBeDefined();
    expect(iou((best as Detection).box, object.box)).toBeGreaterThanOrEqual(0.9);
    expect((best as Detection).score).toBeGreaterThanOrEqual(0.5);
    unmatched.splice(unmatched.indexOf(best as Detection), 1);
  }
  expect(unmatched, `${scene.name}: extra detections`).toEqual([]);
}

describe('demo detector model', () => {
  it('has the YOLOv8 signature and Ultralytics-style metadata', () => {
    const info = readModelInfo(model);
    expect(info.inputs).toEqual([
      { name: 'images', kind: 'tensor', elemType: DataType.FLOAT, dims: [1, 3, 320, 320] },
    ]);
    expect(info.outputs).toHaveLength(1);
    expect(info.outputs[0]?.name).toBe('output0');
    expect(info.outputs[0]?.dims.slice(0, 2)).toEqual([1, 4 + DEMO_LABELS.length]);
    expect(info.metadata).toMatchObject({
      names: "{0: 'red', 1: 'green', 2: 'blue', 3: 'yellow'}",
      imgsz: '[320, 320]',
      stride: '32',
      task: 'detect',
      description: 'rocketserve demo detector',
    });
    expect(info.opsetImports).toEqual([{ domain: '', version: 17 }]);
  });

  it('is generated deterministically', () => {
    expect(Buffer.compare(buildDemoDetector(), model)).toBe(0);
  });

  it('returns the declared [1, 4+C, N], finite, with scores in 0..1', async () => {
    const blank = new Float32Array(3 * 320 * 320).fill(114 / 255);
    const scene = (await letterbox(await renderDemoScene(demoScenes.near), 320)).data;
    for (const [pixels, empty] of [
      [blank, true],
      [scene, false],
    ] as const) {
      const out = (await session.run({ images: new ort.Tensor('float32', pixels, [1, 3, 320, 320]) }))
        .output0;
      expect(out?.dims).toEqual(readModelInfo(model).outputs[0]?.dims);
      const data = out?.data as Float32Array;
      const scores = data.subarray(4 * (out?.dims[2] as number));
      expect(data.every(Number.isFinite)).toBe(true);
      expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
      expect(scores.some((s) => s > 0.5)).toBe(!empty);
    }
  });
});

describe('demo detector on the demo scenes', () => {
  const scenes = Object.values(demoScenes).filter((s) => s.objects.length > 0);

  it.each(scenes.map((s) => [s.name, s] as const))('finds every object in %s (PNG)', async (_, scene) => {
    expectMatches(scene, await run(await renderDemoScene(scene)));
  });

  it.each(['near', 'sizes', 'border', 'wide'] as const)(
    'finds every object in %s (JPEG, quality 60)',
    async (name) => {
      const scene = demoScenes[name];
      expectMatches(scene, await run(await renderDemoScene(scene, { format: 'jpeg', quality: 60 })));
    },
  );

  it('finds nothing above 0.25 in an empty scene with white, black and beige distractors', async () => {
    for (const format of ['png', 'jpeg'] as const) {
      expect(await run(await renderDemoScene(demoScenes.empty, { format }), 0.25)).toEqual([]);
    }
  });

  it('finds nothing above 0.25 in grey noise', async () => {
    const { width, height } = { width: 400, height: 300 };
    const pixels = Buffer.alloc(width * height * 3);
    let state = 12345;
    for (let i = 0; i < width * height; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      pixels.fill(64 + (state >>> 25), i * 3, i * 3 + 3); // grey 64..191
    }
    const image = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg()
      .toBuffer();
    expect(await run(image)).toEqual([]);
  });
});
