import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../src/demo/images.js';
import { decodeForModel } from '../src/image/decode.js';
import { InferencePool } from '../src/inference/pool.js';
import { loadRocket } from '../src/rocket/load.js';
import type { ImageRocketSpec } from '../src/rocket/types.js';
import { buildInvertUpscale, buildLumaUpscale } from './helpers/families.js';
import { writeRocket } from './helpers/image2image-models.js';
import { writeObbRocket } from './helpers/obb-models.js';
import { cpuWorkerInit } from './helpers/pool.js';
import { writeRocketDir, writeUltraFaceRocket } from './helpers/real-rockets.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';

// A cold start's first request is its first worker's proof: the worker postprocesses its outputs
// twice, once as the warm-up would (confidence 0, at the model's input size) and once as asked.
// For every family, on real models, the proof's answer must be the answer a proven worker gives
// to the same image: the check may not change the outputs the answer is made from. (An any-size
// image-to-image rocket drives its own runs and is checked once: nothing to compare.)

noteIfNoShared('the proof-run checks of the real rockets of each family (the obb one runs)');

const pools: InferencePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const photo = (name: string) => readFileSync(shared('images', name));
const model = (...parts: string[]) => shared('models', ...parts);

/** Each family's rocket (a path) and a photo for it. */
const REAL: { family: string; rocket: () => string; image: () => Buffer }[] = [
  {
    family: 'detect',
    rocket: () => model('detection', 'yolov8n_int8_640.onnx'),
    image: () => photo('bus.jpg'),
  },
  { family: 'detect (faces)', rocket: writeUltraFaceRocket, image: () => photo('zidane.jpg') },
  {
    family: 'segment',
    rocket: () => model('segmentation', 'yolov8n-seg_int8_320.onnx'),
    image: () => photo('bus.jpg'),
  },
  {
    family: 'pose',
    rocket: () =>
      writeRocketDir('pose', {
        'rocket.json': {
          model: model('pose', 'yolo11n-pose_w8_640.onnx'),
          task: 'pose',
          labels: 'labels.json',
          keypoints: { shape: [17, 3] },
        },
        'labels.json': ['person'],
      }),
    image: () => photo('zidane.jpg'),
  },
  {
    family: 'semantic',
    rocket: () =>
      writeRocketDir('deeplab', {
        'rocket.json': {
          model: model('segmentation', 'deeplabv3_mnv2_voc_257_nhwc.onnx'),
          labels: model('segmentation', 'voc21.txt'),
          preprocess: { scale: 1, mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
        },
      }),
    image: () => photo('zidane.jpg'),
  },
  {
    family: 'classify',
    rocket: () => model('classification', 'mobilenetv2-12-int8.onnx'),
    image: () => photo('samoyed_dog.jpg'),
  },
];

async function firstAndLater(rocket: string, image: Buffer) {
  const spec = (await loadRocket(rocket, '/')) as ImageRocketSpec;
  const init = cpuWorkerInit(spec);
  // The owner has a request on its way, so the pool's first worker waits for it as its proof.
  const pool = await InferencePool.start(init, [1], { ownerIdle: () => false });
  pools.push(pool);
  const job = async () => {
    const decoded = await decodeForModel(image, spec.preprocess, 4e6);
    return { ...decoded, pixels: decoded.pixels.slice(), thresholds: spec.thresholds, options: {} };
  };
  const first = await pool.run(await job());
  expect(pool.startup?.provenBy).toBe('request');
  const later = await pool.run(await job());
  return { first: comparable(first.fields), later: comparable(later.fields) };
}

/** The fields with each typed array (pixels, class maps) as its sha256: deep equality on them is slow. */
function comparable(fields: object): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(fields, (_key, value) =>
      ArrayBuffer.isView(value)
        ? createHash('sha256')
            .update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
            .digest('hex')
        : value,
    ),
  );
}

describe("the first request as its worker's proof gets a proven worker's answer", () => {
  it('obb (rotated boxes, made in code)', async () => {
    const image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const { first, later } = await firstAndLater(writeObbRocket(), image);
    expect((first.detections as unknown[]).length).toBeGreaterThan(0);
    expect(first).toEqual(later);
  });

  it.skipIf(!hasShared).each(REAL)('$family', async ({ rocket, image }) => {
    const { first, later } = await firstAndLater(rocket(), image());
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(first).toEqual(later);
  });

  it.each([
    { mode: 'RGB', build: () => buildInvertUpscale(32) },
    { mode: 'Y channel, the colour kept from the photo', build: () => buildLumaUpscale(32) },
  ])('image2image ($mode, made in code)', async ({ build }) => {
    const image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const { first, later } = await firstAndLater(writeRocket(build()), image);
    expect(first).toEqual(later);
  });
});
