import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's chromium (`apt-get install chromium`). The browser tests skip without it, except in CI
 * (CI=true), where .ci/run installs it and its absence fails the suite.
 */
const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) {
  throw new Error(`${CHROMIUM} is absent in CI: .ci/run installs it (apt-get install -y chromium)`);
}

/** Prints why a browser suite is skipped, once per file. */
export function noteIfNoChromium(what: string): void {
  if (!hasChromium) console.warn(`Skipping ${what}: ${CHROMIUM} is absent (apt-get install -y chromium)`);
}

/** Starts headless Chromium with no sandbox, GPU or background traffic. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Lets the page reach `origin` only: every other request is aborted and listed in the returned
 * array, so a test can assert that the page never tried the network (no CDN, no telemetry).
 */
export async function offline(page: Page, origin: string): Promise<string[]> {
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return blocked;
}

/** Counts the POST /process requests a page makes. */
export function countProcessRequests(page: Page): () => number {
  let n = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/process')) n++;
  });
  return () => n;
}

/** Waits until the playground reports `status` in window.__rocket (web/src/state.ts). */
export function untilStatus(page: Page, status: string) {
  return page.waitForFunction(`window.__rocket?.status === '${status}'`);
}

/**
 * Opens the playground at `url` in a new page of `viewport`, with only the server reachable, and
 * waits until it is ready; returns the page, the blocked requests and a /process counter.
 */
export async function openPlayground(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
) {
  const page = await browser.newPage({ viewport });
  const blocked = await offline(page, url);
  const processRequests = countProcessRequests(page);
  await page.goto(`${url}/`);
  await untilStatus(page, 'ready');
  return { page, blocked, processRequests };
}

/** An RGB colour as a page's canvas holds it. */
export type Rgb = [number, number, number];

// The tests' tsconfig has no DOM types: what runs in the page is written as strings.

/** The RGB of pixel (x, y) of the canvas `selector`. */
export function canvasPixel(page: Page, selector: string, x: number, y: number): Promise<Rgb> {
  return page.evaluate(
    `[...document.querySelector(${JSON.stringify(selector)}).getContext('2d').getImageData(${x}, ${y}, 1, 1).data].slice(0, 3)`,
  ) as Promise<Rgb>;
}

/** The RGB Chromium paints for a CSS colour (`hsl(...)`, `#rrggbb`). */
export function cssColour(page: Page, css: string): Promise<Rgb> {
  return page.evaluate(`(() => {
    const ctx = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d');
    ctx.fillStyle = ${JSON.stringify(css)};
    ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3);
  })()`) as Promise<Rgb>;
}

/** The largest difference of one channel between two colours. */
export const colourDistance = (a: Rgb, b: Rgb): number =>
  Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

/** Moves range input `#id` to `value` with the arrow keys, one step at a time, as a keyboard user does. */
export async function stepSlider(page: Page, id: string, value: number): Promise<void> {
  await page.focus(`#${id}`);
  const step = Number(await page.getAttribute(`#${id}`, 'step'));
  const steps = Math.round((value - Number(await page.inputValue(`#${id}`))) / step);
  for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps > 0 ? 'ArrowRight' : 'ArrowLeft');
}

/** The ids of the page's panels ([data-panel]) that are shown. */
export function shownPanels(page: Page): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll('[data-panel]')].filter((p) => !p.hidden).map((p) => p.id)`,
  ) as Promise<string[]>;
}
