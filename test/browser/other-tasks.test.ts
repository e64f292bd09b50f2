import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import { hasChromium, launch, noteIfNoChromium, openPlayground, untilStatus } from './chromium.js';

noteIfNoChromium('the playground tests of image-to-image and tabular rockets');
noteIfNoShared('the playground tests of image-to-image and tabular rockets');

const VIEWPORT = { width: 1200, height: 900 };

describe.skipIf(!hasChromium || !hasShared)('web playground on other tasks, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  describe('image-to-image (super resolution)', () => {
    const server = useServer('npm start server', {
      ROCKET_URL: shared('models', 'image2image', 'super_resolution.onnx'),
    });

    it('shows before and after, and downloads the output image', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      expect(await page.locator('#controls').isHidden()).toBe(true);
      await page.setInputFiles('#file', shared('models', 'image2image', 'cat_224x224.jpg'));
      await untilStatus(page, 'done');
      expect(await page.locator('#image2image-view').isVisible()).toBe(true);
      const sizes = await page.evaluate(
        '[document.getElementById("before").naturalWidth, document.getElementById("after").naturalWidth]',
      );
      expect(sizes).toEqual([224, 672]);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-slot a')]);
      expect(download.suggestedFilename()).toBe('output.png');
      const meta = await sharp(readFileSync((await download.path()) as string)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 672, 672]);
      await expect(page.locator('#timing').innerText()).resolves.toMatch(/Inference/);
      expect(processRequests()).toBe(1);
      expect(blocked).toEqual([]);
      await page.close();
    });
  });

  describe('tabular (logistic regression on iris)', () => {
    const server = useServer('npm start server', {
      ROCKET_URL: shared('models', 'tabular', 'logreg_iris.onnx'),
    });

    it('builds a form from the model inputs, predicts one row, then a CSV upload', async () => {
      const { page, blocked, processRequests } = await openPlayground(browser, server().url, VIEWPORT);
      await page.waitForSelector('#feature-3');
      expect(await page.locator('#tabular-fields input').count()).toBe(4);
      for (const [i, v] of ['6.3', '3.3', '6.0', '2.5'].entries()) await page.fill(`#feature-${i}`, v);
      await page.press('#feature-3', 'Enter');
      await untilStatus(page, 'done');
      const one = await page.evaluate('window.__rocket.rows');
      expect(one).toEqual([expect.objectContaining({ class: 2 })]); // iris row 101: virginica
      expect(await page.locator('#tabular-results tbody tr').count()).toBe(1);

      await page.setInputFiles('#csv', shared('models', 'tabular', 'iris.csv'));
      await page.waitForFunction('window.__rocket.rows.length === 150');
      expect(await page.locator('#tabular-results tbody tr').count()).toBe(150);
      expect(processRequests()).toBe(2);
      expect(blocked).toEqual([]);
      await page.close();
    });
  });
});
