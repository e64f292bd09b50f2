import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import type { ClassShare } from '../../src/tasks/semantic/schema.js';
import { classIds, paletteOf } from '../../web/src/class-map.js';
import { classColour, MASK_OPACITY } from '../../web/src/colours.js';
import type { AnyDetection, Detection, OrientedDetection, Point } from '../../web/src/filter.js';
import { postImage } from '../helpers/http.js';
import { OBB_ANSWERS, writeObbRocket } from '../helpers/obb-models.js';
import { writeRocketDir } from '../helpers/real-rockets.js';
import { ROOT, useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import {
  canvasPixel,
  colourDistance,
  cssColour,
  hasChromium,
  launch,
  noteIfNoChromium,
  openPlayground,
  type Rgb,
  shownPanels,
  stepSlider,
  untilStatus,
} from './chromium.js';

// One test per task family the playground draws beyond detect and classify: each starts a server
// on a rocket of that family, sends a photo through the page, reads what the page shows (its
// panels, window.__rocket, the canvas's counts and pixels), moves a control and sees the drawing
// follow, and saves a screenshot as test-results/<family>.png for people to look at.

noteIfNoChromium('the playground tests of segment, pose, obb, semantic and image2image rockets');
noteIfNoShared('the playground tests of segment, pose, semantic and image2image rockets');

const RESULTS = join(ROOT, 'test-results');
const VIEWPORT = { width: 1280, height: 1100 };
const BUS = shared('images', 'bus.jpg');
const ZIDANE = shared('images', 'zidane.jpg');
const DETECTION_PANELS = ['image-input', 'controls', 'confidence-control', 'iou-control', 'detect-view'];

/** What the page exposes as window.__rocket (web/src/state.ts). */
interface State {
  status: string;
  requests: number;
  detections: AnyDetection[];
  visible: AnyDetection[];
  classes: ClassShare[];
  overlaid: number[];
}

const pageState = async (page: Page) =>
  JSON.parse(await page.evaluate('JSON.stringify(window.__rocket)')) as State;

/** What the detection canvas says it drew (web/src/draw.ts and views.ts). */
async function drawnCounts(page: Page) {
  const canvas = page.locator('#canvas');
  const count = async (name: string) => Number(await canvas.getAttribute(`data-${name}`));
  return {
    boxes: await count('boxes'),
    masks: await count('masks'),
    skeletons: await count('skeletons'),
    rotated: await count('rotated'),
  };
}

async function screenshot(page: Page, family: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${family}.png`), fullPage: true });
}

/** `a` moved toward `b` by `amount` (0..1), as canvas alpha blending does. */
const blend = (a: Rgb, b: Rgb, amount: number): Rgb =>
  a.map((v, i) => v + amount * ((b[i] as number) - v)) as Rgb;

/** Whether (x, y) lies inside the polygon (even-odd ray casting). */
function insidePolygon([x, y]: Point, polygon: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Point;
    const [xj, yj] = polygon[j] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const inMask = (d: Detection, p: Point) => (d.polygons ?? []).some((polygon) => insidePolygon(p, polygon));

/**
 * A pixel well inside `d`'s mask (8 px from its edge) and away from every other mask, box outline
 * and label tag, where the canvas shows only the photo and `d`'s mask.
 */
function pixelOnlyIn(d: Detection, all: readonly Detection[]): Point {
  const margin = 8;
  const ring = [-margin, 0, margin].flatMap((dx) => [-margin, 0, margin].map((dy): Point => [dx, dy]));
  const clearOfBoxes = ([x, y]: Point) =>
    all.every(({ box: b }) => {
      const nearEdge =
        (Math.abs(x - b.x1) < margin || Math.abs(x - b.x2) < margin) &&
        y > b.y1 - margin &&
        y < b.y2 + margin;
      const nearTopOrBottom =
        (Math.abs(y - b.y1) < margin || Math.abs(y - b.y2) < margin) &&
        x > b.x1 - margin &&
        x < b.x2 + margin;
      const onTag = x > b.x1 - margin && x < b.x1 + 250 && y > b.y1 - 40 && y < b.y1 + 40;
      return !nearEdge && !nearTopOrBottom && !onTag;
    });
  for (let y = Math.ceil(d.box.y1); y < d.box.y2; y += 4) {
    for (let x = Math.ceil(d.box.x1); x < d.box.x2; x += 4) {
      const around = ring.map(([dx, dy]): Point => [x + dx, y + dy]);
      if (
        around.every((p) => inMask(d, p) && all.every((o) => o === d || !inMask(o, p))) &&
        clearOfBoxes([x, y])
      )
        return [x, y];
    }
  }
  throw new Error(`No pixel of ${d.label} ${d.confidence} lies in its mask alone`);
}

describe.skipIf(!hasChromium)('web playground on every task family, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  describe.skipIf(!hasShared)('segment: YOLOv8n-seg (zero config) on bus.jpg', () => {
    const server = useServer('npm start server', {
      ROCKET_URL: shared('models', 'segmentation', 'yolov8n-seg_int8_320.onnx'),
    });

    it('fills a translucent mask under each box; the confidence slider hides masks with their boxes', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      try {
        expect(await shownPanels(page)).toEqual(DETECTION_PANELS);
        await page.setInputFiles('#file', BUS);
        await untilStatus(page, 'done');
        let state = await pageState(page);
        const visible = state.visible as Detection[];
        expect(visible.map((d) => d.label).sort()).toEqual(['bus', 'person', 'person', 'person']);
        for (const d of visible) {
          expect(d.polygons?.length, d.label).toBeGreaterThan(0);
          expect(d.area, d.label).toBeGreaterThan(10_000);
        }
        expect(await drawnCounts(page)).toEqual({ boxes: 4, masks: 4, skeletons: 0, rotated: 0 });
        await expect(page.locator('#detections li').first().innerText()).resolves.toMatch(
          /^\w+ \d+\.\d% at .*, mask of \d+ px$/,
        );

        // Inside the weakest detection's mask, alone: the photo tinted by its class colour. Once the
        // slider passes its confidence, its box and mask go and the canvas there is the photo.
        const weakest = visible.at(-1) as Detection;
        const [x, y] = pixelOnlyIn(weakest, visible);
        const tinted = await canvasPixel(page, '#canvas', x, y);
        await stepSlider(page, 'confidence', Math.ceil(weakest.confidence * 100) / 100 + 0.01);
        state = await pageState(page);
        expect(state.visible).toHaveLength(3);
        expect(state.visible).not.toContainEqual(weakest);
        expect(await drawnCounts(page)).toEqual({ boxes: 3, masks: 3, skeletons: 0, rotated: 0 });
        const photo = await canvasPixel(page, '#canvas', x, y);
        const fill = await cssColour(page, classColour(weakest.class).fill);
        expect(
          colourDistance(tinted, blend(photo, fill, MASK_OPACITY)),
          `${tinted} over ${photo}`,
        ).toBeLessThanOrEqual(2);
        expect(colourDistance(tinted, photo)).toBeGreaterThan(20);

        await stepSlider(page, 'confidence', 0.25);
        expect((await drawnCounts(page)).masks).toBe(4);
        expect(processRequests()).toBe(1);
        await screenshot(page, 'segment');
        expect(blocked).toEqual([]);
      } finally {
        await page.close();
      }
    });
  });

  describe.skipIf(!hasShared)(
    'pose: YOLO11n-pose (manifest: task pose, keypoints [17, 3]) on zidane.jpg',
    () => {
      const server = useServer('npm start server', () => ({
        ROCKET_URL: writeRocketDir('pose', {
          'rocket.json': {
            model: shared('models', 'pose', 'yolo11n-pose_w8_640.onnx'),
            task: 'pose',
            keypoints: { shape: [17, 3] },
            labels: 'labels.json',
          },
          'labels.json': ['person'],
        }),
      }));

      it('draws a skeleton on each of the two men; the slider hides the weaker with his skeleton', async () => {
        const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
        try {
          expect(await shownPanels(page)).toEqual(DETECTION_PANELS);
          const view = (await (await fetch(`${server().url}/playground.json`)).json()) as {
            skeleton: [number, number][];
          };
          expect(view.skeleton.length).toBeGreaterThan(10); // COCO's limbs, the default for 17 keypoints
          await page.setInputFiles('#file', ZIDANE);
          await untilStatus(page, 'done');
          let state = await pageState(page);
          expect(state.visible.map((d) => d.label)).toEqual(['person', 'person']);
          for (const d of state.visible) expect('keypoints' in d && d.keypoints).toHaveLength(17);
          expect(await drawnCounts(page)).toEqual({ boxes: 2, masks: 0, skeletons: 2, rotated: 0 });
          await expect(page.locator('#detections li').first().innerText()).resolves.toMatch(
            /^person \d+\.\d% at .*, \d+ of 17 keypoints seen$/,
          );

          // The weaker man's nose is a dot of the person colour, until the slider passes him.
          const weaker = state.visible[1] as Detection;
          const nose = weaker.keypoints?.find((k) => k.name === 'nose');
          expect(nose?.score).toBeGreaterThan(0.5);
          const [x, y] = [Math.round(nose?.x ?? 0), Math.round(nose?.y ?? 0)];
          const dot = await cssColour(page, classColour(weaker.class).fill);
          expect(colourDistance(await canvasPixel(page, '#canvas', x, y), dot)).toBeLessThanOrEqual(2);
          await stepSlider(page, 'confidence', Math.ceil(weaker.confidence * 100) / 100 + 0.01);
          state = await pageState(page);
          expect(state.visible).toHaveLength(1);
          expect(await drawnCounts(page)).toEqual({ boxes: 1, masks: 0, skeletons: 1, rotated: 0 });
          expect(colourDistance(await canvasPixel(page, '#canvas', x, y), dot)).toBeGreaterThan(30);

          await stepSlider(page, 'confidence', 0.25);
          expect((await drawnCounts(page)).skeletons).toBe(2);
          expect(processRequests()).toBe(1);
          await screenshot(page, 'pose');
          expect(blocked).toEqual([]);
        } finally {
          await page.close();
        }
      });
    },
  );

  describe('obb: a generated oriented-box model on a 640×480 demo image', () => {
    let upload: string;
    beforeAll(async () => {
      upload = join(mkdtempSync(join(tmpdir(), 'obb-playground-')), 'shapes.png');
      writeFileSync(upload, await renderDemoScene(demoScenes.shapes, { format: 'png' }));
    });
    const server = useServer('npm start server', () => ({ ROCKET_URL: writeObbRocket() }));

    it('outlines the 9 rotated boxes through their corners; the IoU slider suppresses as the server does', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      try {
        expect(await shownPanels(page)).toEqual(DETECTION_PANELS);
        await page.setInputFiles('#file', upload);
        await untilStatus(page, 'done');
        let state = await pageState(page);
        const visible = state.visible as OrientedDetection[];
        expect(visible.map((d) => [d.label, d.confidence])).toEqual(
          OBB_ANSWERS.map((a) => [a.label, expect.closeTo(a.confidence, 3)]),
        );
        for (const [i, d] of visible.entries()) {
          const want = OBB_ANSWERS[i]?.corners ?? [];
          d.corners.forEach(([cx, cy], k) => {
            expect(Math.abs(cx - (want[k]?.[0] ?? Number.NaN))).toBeLessThan(0.2);
            expect(Math.abs(cy - (want[k]?.[1] ?? Number.NaN))).toBeLessThan(0.2);
          });
        }
        expect(await drawnCounts(page)).toEqual({ boxes: 9, masks: 0, skeletons: 0, rotated: 9 });
        await expect(page.locator('#detections li').nth(1).innerText()).resolves.toMatch(
          /^ship \d+\.\d% at \(400, 120\), 80×40 turned 45\.0°$/,
        );

        // The 45° ship's outline runs through the middle of its lower-right side, which lies inside
        // its axis-aligned envelope: a pixel there is the ship colour (some pixel of the 2 px line
        // is fully covered, so the nearest of the 3×3 around it matches exactly).
        const [[ax, ay], [bx, by]] = (visible[1] as OrientedDetection).corners as [Point, Point];
        const [mx, my] = [Math.round((ax + bx) / 2), Math.round((ay + by) / 2)];
        const ship = await cssColour(page, classColour(1).fill);
        const around = await Promise.all(
          [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => canvasPixel(page, '#canvas', mx + dx, my + dy))),
        );
        expect(Math.min(...around.map((p) => colourDistance(p, ship)))).toBeLessThanOrEqual(2);

        // The cross (±45° arms, the same axis-aligned box) stays at IoU 0.7; at 0.1 the weaker arm
        // goes (probabilistic IoU 0.14), as the server's rotated NMS decides at iou=0.1.
        await stepSlider(page, 'iou', 0.1);
        state = await pageState(page);
        expect(state.visible.map((d) => d.confidence)).not.toContainEqual(0.55);
        expect(state.visible).toHaveLength(8);
        expect((await drawnCounts(page)).rotated).toBe(8);
        const server10 = (await (
          await postImage(server().url, readFileSync(upload), '?iou=0.1', 'shapes.png')
        ).json()) as { detections: OrientedDetection[] };
        expect(state.visible.map((d) => d.confidence)).toEqual(server10.detections.map((d) => d.confidence));

        await stepSlider(page, 'iou', 0.7);
        await stepSlider(page, 'confidence', 0.6);
        expect((await drawnCounts(page)).rotated).toBe(6);
        await stepSlider(page, 'confidence', 0.25);
        expect((await drawnCounts(page)).rotated).toBe(9);
        expect(processRequests()).toBe(1);
        await screenshot(page, 'obb');
        expect(blocked).toEqual([]);
      } finally {
        await page.close();
      }
    });
  });

  describe.skipIf(!hasShared)('semantic: DeepLabV3 (VOC 21, manifest) on bus.jpg', () => {
    const server = useServer('npm start server', () => ({
      ROCKET_URL: writeRocketDir('semantic', {
        'rocket.json': {
          model: shared('models', 'segmentation', 'deeplabv3_mnv2_voc_257_nhwc.onnx'),
          task: 'semantic',
          labels: shared('models', 'segmentation', 'voc21.txt'),
          // Stretch to 257 × 257, then pixel / 127.5 − 1.
          preprocess: { resize: 'stretch', size: 257, scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] },
        },
      }),
    }));

    it('overlays the class colours with a legend of shares; the legend and sliders hide classes', async () => {
      // A pixel deep inside the bus, from the class map the server sends.
      const reply = (await (
        await postImage(server().url, readFileSync(BUS), '?map=png&minFraction=0')
      ).json()) as {
        map: { width: number; height: number; data: string };
      };
      const png = Buffer.from(reply.map.data, 'base64');
      const decoded = await sharp(png).ensureAlpha().raw().toBuffer();
      const ids = classIds(new Uint8ClampedArray(decoded), paletteOf(png));
      const BUS_ID = 6;
      const PERSON_ID = 15;
      const idAt = (x: number, y: number) => ids[y * reply.map.width + x];
      let busPixel: Point | undefined;
      for (let y = 300; y < 700 && !busPixel; y += 5)
        for (let x = 300; x < 700 && !busPixel; x += 5)
          if ([-6, 0, 6].every((d) => idAt(x + d, y) === BUS_ID && idAt(x, y + d) === BUS_ID))
            busPixel = [x, y];
      const [x, y] = busPixel ?? [0, 0];
      expect(idAt(x, y)).toBe(BUS_ID);

      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      try {
        expect(await shownPanels(page)).toEqual(['image-input', 'semantic-view']);
        await page.setInputFiles('#file', BUS);
        await untilStatus(page, 'done');
        const state = await pageState(page);
        const share = (label: string) => state.classes.find((c) => c.label === label)?.fraction ?? 0;
        expect(share('background')).toBeCloseTo(0.582, 1);
        expect(share('bus')).toBeCloseTo(0.283, 1);
        expect(share('person')).toBeCloseTo(0.134, 1);
        // The legend lists the classes of 0.1% or more, largest first, each with its share.
        const listed = state.classes.filter((c) => c.fraction >= 0.001);
        const rows = await page.locator('#legend li').allInnerTexts();
        expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(listed.map((c) => c.label));
        expect(rows[0]).toMatch(/^background\s+58\.\d%$/);
        expect(state.overlaid).toEqual(listed.map((c) => c.class));
        expect(await page.locator('#semantic-canvas').getAttribute('data-classes')).toBe(
          String(listed.length),
        );

        // The bus pixel: the photo under the bus colour at the overlay's opacity (0.5 to start).
        const palette = (
          (await (await fetch(`${server().url}/playground.json`)).json()) as { palette: string[] }
        ).palette;
        const busColour = await cssColour(page, palette[BUS_ID] as string);
        const overlaid = await canvasPixel(page, '#semantic-canvas', x, y);
        await page.click(`#legend button[data-class="${BUS_ID}"]`);
        expect(await page.getAttribute(`#legend button[data-class="${BUS_ID}"]`, 'aria-pressed')).toBe(
          'false',
        );
        expect((await pageState(page)).overlaid).not.toContain(BUS_ID);
        const photo = await canvasPixel(page, '#semantic-canvas', x, y);
        expect(
          colourDistance(overlaid, blend(photo, busColour, 0.5)),
          `${overlaid} over ${photo}`,
        ).toBeLessThanOrEqual(2);
        expect(colourDistance(overlaid, photo)).toBeGreaterThan(20);
        await page.click(`#legend button[data-class="${BUS_ID}"]`);
        await stepSlider(page, 'overlay-opacity', 1);
        expect(
          colourDistance(await canvasPixel(page, '#semantic-canvas', x, y), busColour),
        ).toBeLessThanOrEqual(1);
        await stepSlider(page, 'overlay-opacity', 0.5);

        // Leaving out classes under 20%: background and bus stay, person (13%) goes.
        await stepSlider(page, 'min-fraction', 0.2);
        expect(await page.locator('#min-fraction-value').innerText()).toBe('20.0%');
        expect((await pageState(page)).overlaid).toEqual([0, BUS_ID]);
        expect(await page.locator('#legend li').count()).toBe(2);
        expect((await pageState(page)).overlaid).not.toContain(PERSON_ID);
        await stepSlider(page, 'min-fraction', 0.001);
        expect(await page.locator('#legend li').count()).toBe(listed.length);

        expect(processRequests()).toBe(1);
        await screenshot(page, 'semantic');
        expect(blocked).toEqual([]);
      } finally {
        await page.close();
      }
    });
  });

  describe.skipIf(!hasShared)('image2image: candy style transfer (BGR 0..255) on zidane.jpg', () => {
    const server = useServer('npm start server', () => ({
      ROCKET_URL: writeRocketDir('candy', {
        'rocket.json': {
          model: shared('models', 'image2image', 'style_candy_720_bgr.onnx'),
          task: 'image2image',
          preprocess: { channelOrder: 'bgr', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
        },
      }),
    }));

    it('shows the styled image at the original aspect, and downloads it', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      try {
        expect(await shownPanels(page)).toEqual(['image-input', 'image2image-view']);
        await page.setInputFiles('#file', ZIDANE);
        await untilStatus(page, 'done');
        const sizes = await page.evaluate(
          `['before', 'after'].map((id) => { const img = document.getElementById(id); return [img.naturalWidth, img.naturalHeight, img.clientWidth, img.clientHeight]; })`,
        );
        expect(sizes).toEqual([
          [1280, 720, expect.any(Number), expect.any(Number)],
          [1280, 720, expect.any(Number), expect.any(Number)],
        ]);
        // Shown at the same aspect too (CSS keeps it).
        const [, , w, h] = (sizes as number[][])[1] as number[];
        expect(Math.abs((w as number) / (h as number) - 1280 / 720)).toBeLessThan(0.02);

        const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-slot a')]);
        expect(download.suggestedFilename()).toBe('output.png');
        const styled = await sharp(readFileSync((await download.path()) as string))
          .raw()
          .toBuffer({ resolveWithObject: true });
        expect([styled.info.width, styled.info.height]).toEqual([1280, 720]);
        // Candy repaints the photo: far from the original, pixel for pixel.
        const original = await sharp(ZIDANE).removeAlpha().raw().toBuffer();
        let difference = 0;
        for (let i = 0; i < original.length; i++)
          difference += Math.abs((original[i] ?? 0) - (styled.data[i] ?? 0));
        expect(difference / original.length).toBeGreaterThan(30);

        expect(processRequests()).toBe(1);
        await screenshot(page, 'image2image');
        expect(blocked).toEqual([]);
      } finally {
        await page.close();
      }
    });
  });
});
