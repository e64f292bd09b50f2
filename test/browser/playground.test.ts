import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection, Prediction } from '../../web/src/filter.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { ROOT, useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import { hasChromium, launch, noteIfNoChromium, openPlayground, untilStatus } from './chromium.js';

noteIfNoChromium('the playground browser tests');
noteIfNoShared('the playground test on YOLOv8n');

const RESULTS = join(ROOT, 'test-results');
const KEY = 'open-sesame-0123456789';
/** What the page exposes as window.__rocket (web/src/state.ts). */
interface State {
  status: string;
  requests: number;
  detections: Detection[];
  visible: Detection[];
  shown: Prediction[];
}

const pageState = async (page: Page) =>
  JSON.parse(await page.evaluate('JSON.stringify(window.__rocket)')) as State;
const VIEWPORT = { width: 1280, height: 1100 };

/** Every visible form control has a label. */
const unlabelled = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('input, select')]
    .filter((c) => c.offsetParent !== null && c.labels.length === 0)
    .map((c) => c.id || c.outerHTML)`);

describe.skipIf(!hasChromium)('web playground in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  describe.skipIf(!hasShared)('on the YOLOv8n rocket', () => {
    const server = useServer('npm start server', {
      ROCKET_URL: shared('models', 'detection', 'yolov8n_int8_640.onnx'),
    });

    it('draws 5 boxes on bus.jpg; the confidence slider at 0.5 drops the weaker one without a request', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      await expect(page.locator('#rocket-info').innerText()).resolves.toMatch(
        /yolov8n_int8_640[\s\S]*detect[\s\S]*cpu[\s\S]*cpu/,
      );
      expect(await unlabelled(page)).toEqual([]);

      await page.setInputFiles('#file', shared('images', 'bus.jpg'));
      await untilStatus(page, 'done');
      let state = await pageState(page);
      expect(state.visible).toHaveLength(5);
      expect(state.visible.map((d) => d.label).sort()).toEqual([
        'bus',
        'person',
        'person',
        'person',
        'person',
      ]);
      expect(await page.locator('#canvas').getAttribute('data-boxes')).toBe('5');
      expect(state.detections.length).toBeGreaterThan(5); // asked at low thresholds, filtered here
      expect(processRequests()).toBe(1);
      const weakest = Math.min(...state.visible.map((d) => d.confidence));
      expect(weakest).toBeLessThan(0.5);

      // Keyboard: focus the slider and step it from 0.25 to 0.50.
      await page.focus('#confidence');
      for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowRight');
      expect(await page.inputValue('#confidence')).toBe('0.5');
      expect(await page.locator('#confidence-value').innerText()).toBe('0.5');
      state = await pageState(page);
      expect(state.visible).toHaveLength(4);
      expect(state.visible.every((d) => d.confidence >= 0.5)).toBe(true);
      expect(state.visible.some((d) => d.confidence === weakest)).toBe(false);
      expect(await page.locator('#canvas').getAttribute('data-boxes')).toBe('4');
      expect(await page.locator('#detections li').count()).toBe(4);
      expect(processRequests()).toBe(1);
      expect(state.requests).toBe(1);
      await expect(page.locator('#timing').innerText()).resolves.toMatch(
        /Decode[\s\S]*Inference[\s\S]*Total/,
      );

      // Back to 0.25 for the screenshot people look at: all 5 boxes.
      for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowLeft');
      expect((await pageState(page)).visible).toHaveLength(5);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'playground-bus.png'), fullPage: true });
      expect(blocked).toEqual([]);
      await page.close();
    });
  });

  describe('on a classifier, with an API key', () => {
    const server = useServer('npm start server', () => ({ ROCKET_URL: writeColourRocket(), API_KEY: KEY }));

    it('asks for the key on 401, keeps it in sessionStorage only, and shows top-k bars', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      await page.setInputFiles('#file', {
        name: 'red.png',
        mimeType: 'image/png',
        buffer: await solidImage([230, 20, 20]),
      });
      await untilStatus(page, 'needs-key');
      expect(await page.locator('#key-form').isVisible()).toBe(true);
      await page.fill('#api-key', KEY);
      await page.keyboard.press('Enter');
      await untilStatus(page, 'done');
      const state = await pageState(page);
      expect(state.shown.map((p) => p.label)).toEqual(['red', 'green', 'blue']);
      expect(await page.locator('#classify-view li').count()).toBe(3);
      await expect(page.locator('#classify-view li').first().innerText()).resolves.toMatch(
        /^red\s+\d+\.\d%$/,
      );
      expect(
        await page.evaluate('[sessionStorage.getItem("rocketserve.apiKey"), localStorage.length]'),
      ).toEqual([KEY, 0]);

      await page.focus('#topk');
      await page.keyboard.press('Home'); // top-k 1
      expect((await pageState(page)).shown.map((p) => p.label)).toEqual(['red']);
      expect(processRequests()).toBe(2); // the refused one, then the one with the key
      expect(blocked).toEqual([]);
      await page.close();
    });
  });
});
