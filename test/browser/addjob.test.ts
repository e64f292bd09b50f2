import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json } from '../helpers/http.js';
import { useJobsServer } from '../helpers/job-http.js';
import { ROOT } from '../helpers/server.js';
import { hasChromium, launch, noteIfNoChromium, offline } from './chromium.js';

noteIfNoChromium('the /AddJob browser test');

const RESULTS = join(ROOT, 'test-results');

/** What the page exposes as window.__jobs (web/src/addjob.ts). */
interface JobsState {
  status: string;
  jobs: { id: string; file: string; status: string; error: string | null }[];
  shown: string | null;
  result: { visible: { label: string }[] };
}

const pageState = async (page: Page) =>
  JSON.parse(await page.evaluate('JSON.stringify(window.__jobs)')) as JobsState;

describe.skipIf(!hasChromium)('the /AddJob page in Chromium, on the demo detector', () => {
  const server = useJobsServer();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  it('queues 2 files, follows both to succeeded, draws one result, and deletes the other', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
    const blocked = await offline(page, server().url);
    await page.goto(`${server().url}/AddJob`);
    await page.waitForFunction(`window.__jobs?.status === 'ready'`);
    await expect(page.locator('#rocket-info').innerText()).resolves.toMatch(/demo-detector[\s\S]*detect/);
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input')]
      .filter((c) => c.offsetParent !== null && c.labels.length === 0).map((c) => c.id)`);
    expect(unlabelled).toEqual([]);

    await page.setInputFiles('#files', [
      {
        name: 'shapes.jpg',
        mimeType: 'image/jpeg',
        buffer: await renderDemoScene(demoScenes.shapes, { format: 'jpeg' }),
      },
      { name: 'square.png', mimeType: 'image/png', buffer: await renderDemoScene(demoScenes.square) },
    ]);
    await page.waitForFunction(
      `window.__jobs.jobs.length === 2 && window.__jobs.jobs.every((j) => j.status === 'succeeded')`,
    );
    const { jobs } = await pageState(page);
    expect(jobs.map((j) => j.file)).toEqual(['shapes.jpg', 'square.png']);
    const [shapes, square] = jobs as [JobsState['jobs'][0], JobsState['jobs'][0]];
    // The server knows them as the page does.
    for (const job of jobs)
      expect((await json(await fetch(`${server().url}/jobs/${job.id}`))).status).toBe('succeeded');
    await expect(page.locator(`tr[data-job="${shapes.id}"] td[data-status]`).innerText()).resolves.toBe(
      'succeeded',
    );

    await page.click(`tr[data-job="${shapes.id}"] button[data-action="show"]`);
    await page.waitForFunction(`window.__jobs.shown === ${JSON.stringify(shapes.id)}`);
    const state = await pageState(page);
    expect(state.result.visible.map((d) => d.label).sort()).toEqual(['blue', 'green', 'red']);
    expect(await page.locator('#canvas').getAttribute('data-boxes')).toBe('3');
    expect(await page.locator('#detections li').count()).toBe(3);
    await expect(page.locator('#result-title').innerText()).resolves.toBe('Result of shapes.jpg');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'addjob.png'), fullPage: true });

    await page.click(`tr[data-job="${square.id}"] button[data-action="delete"]`);
    await page.waitForFunction(`window.__jobs.jobs.length === 1`);
    expect(await page.locator('#jobs-body tr').count()).toBe(1);
    expect((await fetch(`${server().url}/jobs/${square.id}`)).status).toBe(404);
    expect((await fetch(`${server().url}/jobs/${shapes.id}`)).status).toBe(200);
    expect(blocked).toEqual([]);
    await page.close();
  });
});
