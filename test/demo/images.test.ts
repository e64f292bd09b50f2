import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  DEMO_COLORS,
  DEMO_LABELS,
  type DemoScene,
  demoScenes,
  renderDemoScene,
} from '../../src/demo/images.js';

const scenes: DemoScene[] = Object.values(demoScenes);

describe('demo scenes', () => {
  it('keep every box inside its image, with positive size', () => {
    for (const { name, width, height, objects, distractors = [] } of scenes) {
      for (const { box } of [...objects, ...distractors]) {
        expect(box.x1 >= 0 && box.y1 >= 0 && box.x2 <= width && box.y2 <= height, name).toBe(true);
        expect(box.x2 > box.x1 && box.y2 > box.y1, name).toBe(true);
      }
    }
  });

  it('cover small and large objects, the border, a non-4:3 size and an empty scene', () => {
    const objects = scenes.flatMap((s) => s.objects.map((o) => ({ ...o, scene: s })));
    const sides = objects.map(({ box }) => Math.min(box.x2 - box.x1, box.y2 - box.y1));
    expect(Math.min(...sides)).toBeLessThanOrEqual(32);
    expect(Math.max(...sides)).toBeGreaterThanOrEqual(250);
    expect(objects.some(({ box, scene }) => box.x1 === 0 || box.y1 === 0 || box.x2 === scene.width)).toBe(
      true,
    );
    expect(scenes.some((s) => s.width * 3 !== s.height * 4)).toBe(true);
    expect(scenes.some((s) => s.objects.length === 0)).toBe(true);
    expect(new Set(objects.map((o) => o.label))).toEqual(new Set(DEMO_LABELS));
  });
});

describe('renderDemoScene', () => {
  it('draws each object in its class colour on a grey background (PNG, exact pixels)', async () => {
    const scene = demoScenes.shapes;
    const png = await renderDemoScene(scene);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels, (await sharp(png).metadata()).format]).toEqual([
      640,
      480,
      3,
      'png',
    ]);
    const at = (x: number, y: number) => Array.from(data.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3));
    for (const { label, box } of scene.objects) {
      expect(at(box.x1, box.y1)).toEqual(DEMO_COLORS[label]);
      expect(at(box.x2 - 1, box.y2 - 1)).toEqual(DEMO_COLORS[label]);
      expect(at(box.x2, box.y2)).toEqual([128, 128, 128]);
    }
  });

  it('encodes JPEG on request, and textured backgrounds stay grey', async () => {
    const jpeg = await renderDemoScene(demoScenes.empty, { format: 'jpeg', quality: 90 });
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const png = await renderDemoScene(demoScenes.empty);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const [r, g, b] = Array.from(data.subarray(0, 3));
    expect(r).toBe(g);
    expect(g).toBe(b);
    expect(new Set(Array.from(data.subarray(0, 3 * 640)).filter((_, i) => i % 3 === 0)).size).toBeGreaterThan(
      5,
    );
  });
});
