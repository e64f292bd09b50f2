import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '../../web/src/filter.js';
import { expectBoxes, ULTRAFACE_ZIDANE, writeUltraFaceRocket } from '../helpers/real-rockets.js';
import { ROOT, useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import { hasChromium, launch, noteIfNoChromium, openPlayground, untilStatus } from './chromium.js';

noteIfNoChromium('the playground test on UltraFace');
noteIfNoShared('the playground test on UltraFace');

/** Where the screenshot people look at goes. */
const SCREENSHOT = join(ROOT, 'test-results', 'faces-playground.png');
const VIEWPORT = { width: 1280, height: 1100 };

/** What the page exposes as window.__rocket (web/src/state.ts). */
interface State {
  status: string;
  detections: Detection[];
  visible: Detection[];
}

/** Steps a range slider (step 0.01) to `value` with the arrow keys, as a keyboard user does. */
async function setSlider(page: Page, id: string, value: number): Promise<void> {
  await page.focus(`#${id}`);
  const steps = Math.round((value - Number(await page.inputValue(`#${id}`))) / 0.01);
  for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps > 0 ? 'ArrowRight' : 'ArrowLeft');
  expect(Number(await page.inputValue(`#${id}`))).toBe(value);
}

const pageState = async (page: Page) =>
  JSON.parse(await page.evaluate('JSON.stringify(window.__rocket)')) as State;

describe.skipIf(!hasChromium || !hasShared)('web playground on the UltraFace rocket, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  const server = useServer('npm start server', () => ({ ROCKET_URL: writeUltraFaceRocket() }));

  it("draws the 2 faces of zidane.jpg at the rocket's thresholds (0.7, IoU 0.3), with no keypoints", async () => {
    const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
    await expect(page.locator('#rocket-info').innerText()).resolves.toMatch(
      /ultraface_rfb_320x240[\s\S]*detect/,
    );

    await page.setInputFiles('#file', shared('images', 'zidane.jpg'));
    await untilStatus(page, 'done');
    // The page asks at low thresholds and filters here; set its sliders to rocket.json's.
    await setSlider(page, 'confidence', 0.7);
    await setSlider(page, 'iou', 0.3);
    const state = await pageState(page);
    expect(state.visible.map((d) => d.label)).toEqual(['face', 'face']);
    expectBoxes(state.visible, ULTRAFACE_ZIDANE, 8);
    expect(await page.locator('#canvas').getAttribute('data-boxes')).toBe('2');
    const items = await page.locator('#detections li').allInnerTexts();
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatch(/^face \d+\.\d%/);
    // UltraFace gives boxes only: nothing the page could draw as landmarks.
    expect(state.detections.length).toBeGreaterThanOrEqual(2);
    for (const d of state.detections) expect(d.keypoints ?? [], JSON.stringify(d)).toEqual([]);
    expect(processRequests()).toBe(1);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(blocked).toEqual([]);
    await page.close();
  });

  // The sliders start at rocket.json's thresholds (from /playground.json), so the page shows what
  // POST /process answers.
  it("opens with rocket.json's thresholds, so zidane.jpg shows the 2 faces /process answers", async () => {
    const { page } = await openPlayground(browser, server().url, VIEWPORT);
    try {
      expect([await page.inputValue('#confidence'), await page.inputValue('#iou')]).toEqual(['0.7', '0.3']);
      await page.setInputFiles('#file', shared('images', 'zidane.jpg'));
      await untilStatus(page, 'done');
      expect(await page.locator('#canvas').getAttribute('data-boxes')).toBe('2');
      expect(await page.locator('#detections li').count()).toBe(2);
    } finally {
      await page.close();
    }
  });
});
