import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDetector, DEMO_INPUT_SIZE } from '../../src/demo/detector.js';
import { DEMO_LABELS, type DemoObject, type DemoScene, renderDemoScene } from '../../src/demo/images.js';
import type { Box } from '../../src/tasks/detect/schema.js';
import { detect, iou } from './detect.js';

/** A seeded LCG, so the scenes are the same on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return (min: number, max: number) => Math.floor(min + next() * (max - min + 1));
}

/**
 * Up to 6 rectangles of 30..250 px, any aspect ratio, anywhere in the image. Objects of different
 * classes may touch; objects of the same class keep a gap of at least the smaller object's shorter side.
 */
function randomScene(seed: number): DemoScene {
  const int = random(seed);
  const [width, height] = [
    [640, 480],
    [800, 400],
    [512, 512],
    [480, 640],
    [1024, 768],
  ][int(0, 4)] as [number, number];
  const objects: DemoObject[] = [];
  const side = (b: Box) => Math.min(b.x2 - b.x1, b.y2 - b.y1);
  for (let tries = 0; tries < 200 && objects.length < 6; tries++) {
    const [w, h] = [int(30, Math.min(250, width)), int(30, Math.min(250, height))];
    const [x1, y1] = [int(0, width - w), int(0, height - h)];
    const box = { x1, y1, x2: x1 + w, y2: y1 + h };
    const label = DEMO_LABELS[int(0, DEMO_LABELS.length - 1)] as DemoObject['label'];
    const apart = objects.every((o) => {
      const gap = o.label === label ? Math.min(side(box), side(o.box)) : 0;
      return (
        box.x1 >= o.box.x2 + gap ||
        o.box.x1 >= box.x2 + gap ||
        box.y1 >= o.box.y2 + gap ||
        o.box.y1 >= box.y2 + gap
      );
    });
    if (apart) objects.push({ label, box });
  }
  return { name: `random-${seed}`, width, height, background: int(0, 1) ? 'texture' : 'grey', objects };
}

let session: ort.InferenceSession;
beforeAll(async () => {
  session = await ort.InferenceSession.create(buildDemoDetector());
});

describe('demo detector on seeded random scenes (JPEG)', () => {
  it.each(Array.from({ length: 12 }, (_, i) => 1000 + i))('scene %i', async (seed) => {
    const scene = randomScene(seed);
    const image = await renderDemoScene(scene, { format: 'jpeg', quality: 75 });
    const found = await detect(session, ort.Tensor, image, {
      size: DEMO_INPUT_SIZE,
      classes: DEMO_LABELS.length,
    });
    const strong = found.filter((d) => d.score > 0.5);
    for (const object of scene.objects) {
      const match = strong.find(
        (d) => DEMO_LABELS[d.classIndex] === object.label && iou(d.box, object.box) >= 0.9,
      );
      expect(match, `${scene.name}: ${object.label} ${JSON.stringify(object.box)}`).toBeDefined();
    }
    expect(strong).toHaveLength(scene.objects.length);
  });
});
