import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { classColour } from '../../web/src/colours.js';
import type { Detection } from '../../web/src/filter.js';
import {
  boxToOriginal,
  buildConstantOutputs,
  type ConstantOutput,
  DEMO_SIZE,
  letterbox,
  type Size,
  toOriginal,
} from '../helpers/detectors.js';
import { writeModel } from '../helpers/families.js';
import { ROOT, useServer } from '../helpers/server.js';
import { hasChromium, launch, noteIfNoChromium, openPlayground, untilStatus } from './chromium.js';

noteIfNoChromium('the playground test on face landmarks');

// A generated zero-config SCRFD (score_S, bbox_S, kps_S for strides 8, 16, 32; 2 anchors per cell,
// anchored on the cell's top-left corner; distances and landmark offsets in units of the stride),
// as in test/families/detect-layouts-faces.test.ts, with ONE face: so its box and 5 landmarks are
// known by construction, and the page must draw them on the demo image.

/** Where the screenshot people look at goes. */
const SCREENSHOT = join(ROOT, 'test-results', 'face-landmarks.png');
const VIEWPORT = { width: 1280, height: 1100 };
const INPUT: Size = { width: 64, height: 64 };
const NAMES = ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'];

// Stride 8, cell (4, 4), anchor 1: centre (32, 32) in the model, (320, 320) in the 640×480 image,
// on the grey background below the white distractor and right of the blue box, so every landmark
// lands on plain grey (128) and the red dots differ clearly from the photo there.
const FACE = {
  stride: 8,
  row: 4,
  col: 4,
  anchor: 1,
  score: 0.88,
  /** left, top, right, bottom */
  bbox: [1.2, 1.2, 1.2, 1.8],
  kps: [-0.8, -0.5, 0.8, -0.5, 0, 0.3, -0.6, 1.2, 0.6, 1.2],
};

/** The face in model-input pixels: xyxy box and 5 [x, y] landmarks. */
function faceInModel() {
  const [cx, cy, s] = [FACE.col * FACE.stride, FACE.row * FACE.stride, FACE.stride];
  const [l, t, r, b] = FACE.bbox as [number, number, number, number];
  return {
    box: [cx - l * s, cy - t * s, cx + r * s, cy + b * s],
    landmarks: FACE.kps.map((v, i) => (i % 2 === 0 ? cx : cy) + v * s),
  };
}

function outputs(): ConstantOutput[] {
  return [8, 16, 32].flatMap((s) => {
    const cols = INPUT.width / s;
    const n = 2 * cols * (INPUT.height / s);
    const [score, bbox, kps] = [new Array(n).fill(0), new Array(4 * n).fill(0), new Array(10 * n).fill(0)];
    if (s === FACE.stride) {
      const i = 2 * (FACE.row * cols + FACE.col) + FACE.anchor;
      score[i] = FACE.score;
      bbox.splice(4 * i, 4, ...FACE.bbox);
      kps.splice(10 * i, 10, ...FACE.kps);
    }
    return [
      { name: `score_${s}`, dims: [1, n, 1], values: score },
      { name: `bbox_${s}`, dims: [1, n, 4], values: bbox },
      { name: `kps_${s}`, dims: [1, n, 10], values: kps },
    ];
  });
}

/** What the page exposes as window.__rocket (web/src/state.ts). */
interface State {
  status: string;
  detections: Detection[];
  visible: Detection[];
}

const pageState = async (page: Page) =>
  JSON.parse(await page.evaluate('JSON.stringify(window.__rocket)')) as State;

type Rgb = [number, number, number];

// The test's tsconfig has no DOM types: what runs in the page is written as strings.

/** The RGB of the canvas pixel (x, y). */
const canvasPixel = (page: Page, x: number, y: number) =>
  page.evaluate(
    `[...document.querySelector('#canvas').getContext('2d').getImageData(${x}, ${y}, 1, 1).data].slice(0, 3)`,
  ) as Promise<Rgb>;

/** The RGB Chromium paints for a CSS colour (the dot's fill, as draw.ts sets it). */
const cssColour = (page: Page, css: string) =>
  page.evaluate(`(() => {
    const ctx = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d');
    ctx.fillStyle = ${JSON.stringify(css)};
    ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3);
  })()`) as Promise<Rgb>;

const distance = (a: Rgb, b: Rgb) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

describe.skipIf(!hasChromium)('web playground on a generated SCRFD face detector, in Chromium', () => {
  let browser: Browser;
  let upload: string;
  let photo: { data: Buffer; width: number; channels: number };
  beforeAll(async () => {
    browser = await launch();
    const png = await renderDemoScene(demoScenes.shapes, { format: 'png' });
    upload = join(mkdtempSync(join(tmpdir(), 'face-landmarks-')), 'shapes.png');
    writeFileSync(upload, png);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    photo = { data, width: info.width, channels: info.channels };
  });
  afterAll(() => browser?.close());

  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildConstantOutputs({ input: INPUT, outputs: outputs() })),
  }));

  /** The RGB of the uploaded image at (x, y). */
  const photoPixel = (x: number, y: number): Rgb => {
    const i = (y * photo.width + x) * photo.channels;
    return [...photo.data.subarray(i, i + 3)] as Rgb;
  };

  it('draws the one face with its 5 landmarks as dots of the box colour at their positions', async () => {
    // 640×480 → 64×48 in the top-left corner of the 64×64 input: ×0.1, no offset.
    const m = letterbox(DEMO_SIZE, INPUT, 'top-left');
    expect(m).toEqual({ scaleX: 0.1, scaleY: 0.1, offsetX: 0, offsetY: 0 });
    const f = faceInModel();
    const box = boxToOriginal(m, f.box);
    const landmarks = NAMES.map((name, i) => ({
      name,
      ...toOriginal(m, f.landmarks[2 * i] as number, f.landmarks[2 * i + 1] as number),
    }));
    // By construction: a 192×240 box at (224, 224), the eyes 56 px below its top.
    expect(box.x1).toBeCloseTo(224, 6);
    expect(box.y2).toBeCloseTo(464, 6);
    expect(landmarks[0]?.x).toBeCloseTo(256, 6);
    expect(landmarks[0]?.y).toBeCloseTo(280, 6);

    const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
    try {
      await page.setInputFiles('#file', upload);
      await untilStatus(page, 'done');

      // What the page shows: the one face, its box and 5 named landmarks within half a pixel.
      const state = await pageState(page);
      expect(state.visible).toHaveLength(1);
      const face = state.visible[0] as Detection;
      expect(face).toMatchObject({ class: 0, label: 'face', confidence: expect.closeTo(FACE.score, 3) });
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const)
        expect(Math.abs(face.box[k] - box[k])).toBeLessThan(0.5);
      expect(face.keypoints?.map((k) => k.name)).toEqual(NAMES);
      for (const [i, k] of (face.keypoints ?? []).entries()) {
        const want = landmarks[i] as { x: number; y: number };
        expect(Math.abs(k.x - want.x), k.name).toBeLessThan(0.5);
        expect(Math.abs(k.y - want.y), k.name).toBeLessThan(0.5);
      }
      expect(await page.locator('#canvas').getAttribute('data-boxes')).toBe('1');
      const items = await page.locator('#detections li').allInnerTexts();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatch(/^face \d+\.\d%/);

      // The canvas is the image at its own size, with a dot of the box colour on each landmark.
      expect(
        await page.evaluate("['width', 'height'].map((k) => document.querySelector('#canvas')[k]).join('×')"),
      ).toBe('640×480');
      const dot = await cssColour(page, classColour(face.class).fill);
      for (const k of face.keypoints ?? []) {
        const [x, y] = [Math.round(k.x), Math.round(k.y)];
        const drawn = await canvasPixel(page, x, y);
        const under = photoPixel(x, y);
        expect(
          distance(drawn, dot),
          `${k.name} at (${x}, ${y}): ${drawn} vs the dot ${dot}`,
        ).toBeLessThanOrEqual(2);
        expect(distance(dot, under), `${k.name}: the photo there is ${under}`).toBeGreaterThan(80);
      }
      // Off the dots (the face's centre, between the eyes and the nose) the canvas is the photo.
      const [cx, cy] = [320, 300];
      expect(distance(await canvasPixel(page, cx, cy), photoPixel(cx, cy))).toBeLessThanOrEqual(2);

      expect(processRequests()).toBe(1);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(blocked).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
