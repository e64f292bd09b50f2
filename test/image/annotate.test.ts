import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { annotateDetections, detectionsSvg } from '../../src/tasks/detect/draw.js';
import type { Detection } from '../../src/tasks/detect/schema.js';
import { encodeBmp } from './bmp-encode.js';
import { awayFrom, insideEdge, meanDiff, rgbOf } from './pixels.js';

// Classes whose box colours contrast with the shapes' own fills (teal on red, purple on green, yellow on blue).
const CONTRASTING = [10, 16, 5];
const truth: Detection[] = demoScenes.shapes.objects.map((o, i) => ({
  label: o.label,
  class: CONTRASTING[i] as number,
  confidence: 0.9 - i * 0.1,
  box: o.box,
}));

describe('annotated images', () => {
  it('draws every box on a JPEG of the original size, leaving the rest alone', async () => {
    const input = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    const output = await annotateDetections(input, truth, 10_000_000);
    expect((await sharp(output).metadata()).format).toBe('jpeg');
    const [before, after] = await Promise.all([rgbOf(input), rgbOf(output)]);
    expect([after.width, after.height]).toEqual([640, 480]);
    for (const d of truth) expect(meanDiff(after, before, insideEdge(d.box, 1)), d.label).toBeGreaterThan(40);
    expect(meanDiff(after, before, awayFrom(truth.map((d) => d.box)))).toBeLessThan(4);
  });

  it('draws in the oriented frame of an EXIF-rotated photo, and on BMP uploads', async () => {
    const raw = await rgbOf(await renderDemoScene(demoScenes.shapes, { format: 'png' }));
    // Stored as 480×640 with orientation 6 (rotate 90° clockwise to view): a viewer shows 640×480.
    const stored = await sharp(raw.data, { raw: { width: 640, height: 480, channels: 3 } })
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect((await sharp(stored).metadata()).width).toBe(480);
    const rotated = await rgbOf(await annotateDetections(stored, truth, 10_000_000));
    expect([rotated.width, rotated.height]).toEqual([640, 480]);
    for (const d of truth) expect(meanDiff(rotated, raw, insideEdge(d.box, 1))).toBeGreaterThan(40);

    const bmp = encodeBmp({ width: 640, height: 480, rgb: raw.data }, { bpp: 24 });
    const fromBmp = await rgbOf(await annotateDetections(bmp, truth, 10_000_000));
    expect([fromBmp.width, fromBmp.height]).toEqual([640, 480]);
    for (const d of truth) expect(meanDiff(fromBmp, raw, insideEdge(d.box, 1))).toBeGreaterThan(40);
  });

  it('escapes labels and keeps label tags inside the image', () => {
    const svg = detectionsSvg(100, 80, [
      { label: '<b>&"cat"', class: 3, confidence: 0.5, box: { x1: 90, y1: 0, x2: 100, y2: 20 } },
    ]);
    expect(svg).toContain('&lt;b&gt;&amp;&quot;cat&quot; 0.50');
    expect(svg).not.toContain('<b>');
    const tag = /<rect x="([\d.]+)" y="([\d.]+)" width="(\d+)" height="(\d+)" fill="#/.exec(svg);
    const [x, y, w, h] = (tag?.slice(1) ?? []).map(Number) as [number, number, number, number];
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x + w).toBeLessThanOrEqual(100);
    expect(y).toBe(0); // no room above the box: the tag sits just inside it
    expect(y + h).toBeLessThanOrEqual(80);
  });

  it('returns the image unchanged but re-encoded when nothing was detected', async () => {
    const input = await renderDemoScene(demoScenes.empty, { format: 'png' });
    const [before, after] = await Promise.all([
      rgbOf(input),
      rgbOf(await annotateDetections(input, [], 1e7)),
    ]);
    expect(meanDiff(after, before, () => true)).toBeLessThan(3);
  });

  it('rejects what the pipeline rejects', async () => {
    await expect(annotateDetections(Buffer.from('not an image'), truth, 1e7)).rejects.toMatchObject({
      code: 'IMAGE_UNDECODABLE',
    });
  });

  it('draws face landmarks as dots where the detection has keypoints', async () => {
    const input = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    // Two points on the plain background, well away from every shape and box.
    const points = [
      { x: 320, y: 440, name: 'left_eye' },
      { x: 600, y: 20, name: 'nose' },
    ];
    const withPoints: Detection[] = [{ ...(truth[0] as Detection), keypoints: points }];
    const [before, after] = await Promise.all([
      rgbOf(input),
      rgbOf(await annotateDetections(input, withPoints, 10_000_000)),
    ]);
    const near = (p: { x: number; y: number }) => (x: number, y: number) => Math.hypot(x - p.x, y - p.y) <= 2;
    for (const p of points) expect(meanDiff(after, before, near(p)), p.name).toBeGreaterThan(40);
    expect(detectionsSvg(640, 480, withPoints).match(/<circle /g)).toHaveLength(2);
  });
});
