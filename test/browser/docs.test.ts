import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../helpers/http.js';
import { ROOT, type RunningServer, startServer } from '../helpers/server.js';
import { hasChromium, launch, noteIfNoChromium, offline } from './chromium.js';

noteIfNoChromium('the Swagger UI browser test');

describe.skipIf(!hasChromium)('Swagger UI at /docs in Chromium, offline', () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer('npm start server'), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it.each(['/docs', '/swagger'])(
    '%s renders every operation with nothing but the server reachable',
    async (path) => {
      const doc = await json(await fetch(`${server.url}/openapi.json`));
      const operations = Object.values(doc.paths as Record<string, object>).flatMap((ops) =>
        Object.keys(ops),
      ).length;
      const page = await browser.newPage();
      const blocked = await offline(page, server.url);
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      await page.goto(`${server.url}${path}`);
      await page.waitForSelector('.swagger-ui .info .title');
      expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('rocketserve');
      await page.waitForFunction(`document.querySelectorAll('.opblock').length === ${operations}`);
      const infer = page.locator('.opblock-summary-path', { hasText: '/v2/models/{name}/infer' }).first();
      expect(await infer.isVisible()).toBe(true);
      expect(await page.locator('.swagger-ui .errors-wrapper').count()).toBe(0);
      expect(blocked).toEqual([]);
      expect(failed).toEqual([]);
      if (path === '/docs') {
        mkdirSync(join(ROOT, 'test-results'), { recursive: true });
        await page.screenshot({ path: join(ROOT, 'test-results', 'docs.png') });
      }
      await page.close();
    },
  );
});
