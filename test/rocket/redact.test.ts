import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectRocket } from '../../src/commands/inspect.js';
import { cacheKeyUrl, redactUrl } from '../../src/rocket/redact.js';
import { resolveRocketUrl } from '../../src/rocket/resolve.js';
import { rejected } from '../helpers/errors.js';
import { buildColourClassifier } from '../helpers/models.js';
import { startServer } from '../helpers/server.js';
import { cacheContext, cacheListing, type FakeServer, startFake, staticFiles } from './fakes.js';

const model = Buffer.from(buildColourClassifier());

/** What a signed URL carries that must never be shown: the credential and the signature. */
const CREDENTIAL = 'AKIAIOSFODNN7EXAMPLE';
const signature = (n: number) => `${String(n).repeat(8)}cafe${'f'.repeat(52)}`;

/** An S3-style presigned query string; `n` picks the signature (a rotation changes date and signature). */
function signed(n: number): string {
  return (
    `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${CREDENTIAL}%2F2026120${n}%2Fus-east-1%2Fs3%2Faws4_request` +
    `&X-Amz-Date=2026120${n}T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature(n)}`
  );
}

/** Every place a secret could hide in `text`. */
function expectClean(text: string): void {
  expect(text).not.toContain(CREDENTIAL);
  expect(text).not.toContain('cafe');
  expect(text).not.toContain('X-Amz-');
  expect(text).not.toContain('hunter2');
}

describe('redactUrl', () => {
  it.each([
    ['https://h/a/m.onnx?X-Amz-Signature=abc&v=1', 'https://h/a/m.onnx?<redacted>'],
    ['https://u:hunter2@h:8080/m.onnx', 'https://<redacted>@h:8080/m.onnx'],
    ['https://h/m.onnx?sig=x#sha256=ab', 'https://h/m.onnx?<redacted>#sha256=ab'],
    ['s3://bucket/key?token=x', 's3://bucket/key?<redacted>'],
    ['https://h/m.onnx', 'https://h/m.onnx'],
    ['hf://o/r/m.onnx@v1', 'hf://o/r/m.onnx@v1'],
    ['lucas/yolov3@1.2', 'lucas/yolov3@1.2'],
    ['./models/a?b.onnx', './models/a?b.onnx'],
    ['', ''],
  ])('%s shows as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
    expect(redactUrl(shown)).toBe(shown);
  });
});

describe('cacheKeyUrl', () => {
  it.each([
    [`https://h/m.onnx?${signed(1)}`, 'https://h/m.onnx'],
    ['https://h/m.onnx?v=2&X-Goog-Signature=a&X-Goog-Date=b', 'https://h/m.onnx?v=2'],
    ['https://h/m.onnx?sv=2022&se=2026&sp=r&sr=b&sig=x%2F&st=1&spr=https', 'https://h/m.onnx'],
    ['https://h/m.onnx?Expires=1&GoogleAccessId=a&Signature=b', 'https://h/m.onnx'],
    ['https://h/m.onnx?AWSAccessKeyId=a&Expires=1&Signature=b', 'https://h/m.onnx'],
    ['https://h/m.onnx?Policy=a&Key-Pair-Id=b&Signature=c', 'https://h/m.onnx'],
    ['https://h/m.onnx?token=t&rev=3#sha256=ab', 'https://h/m.onnx?rev=3#sha256=ab'],
    ['https://u:p@h/m.onnx', 'https://h/m.onnx'],
    ['lucas/yolov3', 'lucas/yolov3'],
  ])('%s is keyed as %s', (url, key) => {
    expect(cacheKeyUrl(url)).toBe(key);
  });
});

/** A store that serves the colour model at any query string and records each request. */
function signedStore(): Promise<FakeServer> {
  return startFake(staticFiles({ '/bucket/models/colour.onnx': model }));
}

describe('a signed ROCKET_URL', () => {
  let store: FakeServer;
  beforeAll(async () => {
    store = await signedStore();
  });
  afterAll(() => store?.close());

  it('keeps the signature out of the cache and reuses the entry after a rotation', async () => {
    const ctx = cacheContext();
    const before = store.requests.length;
    const base = `${store.url}/bucket/models/colour.onnx`;
    const first = await resolveRocketUrl(`${base}?${signed(1)}`, ctx);
    const second = await resolveRocketUrl(`${base}?${signed(2)}`, ctx);
    expect(second.path).toBe(first.path);
    expect(store.requests.length - before).toBe(1);
    const [entry] = cacheListing(ctx.cacheDir);
    expectClean(entry ?? '');
    const json = readFileSync(join(ctx.cacheDir, entry ?? '', 'entry.json'), 'utf8');
    expectClean(json);
    expect(JSON.parse(json).url).toBe(`${base}?<redacted>`);
  });

  it('keeps the signature and credentials out of errors', async () => {
    const ctx = cacheContext();
    for (const url of [
      `${store.url}/bucket/missing.onnx?${signed(1)}`,
      `https://u:hunter2@127.0.0.1:9/m.onnx?${signed(1)}`,
      `ftp://u:hunter2@h/m.onnx?${signed(1)}`,
      `s3://?${signed(1)}`,
      `${store.url}/bucket/models/colour.onnx?${signed(1)}#sha256=nothex`,
    ]) {
      const err = await rejected(resolveRocketUrl(url, ctx));
      expect(err.code, url).toMatch(/^ROCKET_/);
      expectClean(err.message);
    }
  });

  it('is shown redacted by rocket inspect', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rocket-inspect-'));
    writeFileSync(join(cwd, 'config.ini'), `[DEFAULT]\nCACHE_DIR = ${join(cwd, 'cache')}\n`);
    const report = await inspectRocket(`${store.url}/bucket/models/colour.onnx?${signed(3)}`, cwd);
    expectClean(JSON.stringify(report));
    expect(report.source).toBe(`${store.url}/bucket/models/colour.onnx?<redacted>`);
  });

  it('shows in neither /health (with API_KEY set) nor the logs, and a rotated signature starts from the cache', async () => {
    const cacheDir = join(await mkdtemp(join(tmpdir(), 'rocket-cache-')), 'cache');
    const base = `${store.url}/bucket/models/colour.onnx`;
    const before = store.requests.length;
    const env = { API_KEY: 'test-key-0123456789abcdef', CACHE_DIR: cacheDir };
    const first = await startServer('npm start server', { ...env, ROCKET_URL: `${base}?${signed(1)}` });
    const res = await fetch(`${first.url}/health`);
    const health = await res.text();
    await first.stop();
    expect(res.status).toBe(200);
    expectClean(health);
    expect(JSON.parse(health).rocket.source).toBe(`${base}?<redacted>`);
    expectClean(first.output());
    expect(first.output()).toContain(`${base}?<redacted>`);
    const entries = cacheListing(cacheDir);
    expect(entries).toHaveLength(1);
    expectClean(entries.join(' '));
    expectClean(readFileSync(join(cacheDir, entries[0] ?? '', 'entry.json'), 'utf8'));

    const second = await startServer('npm start server', { ...env, ROCKET_URL: `${base}?${signed(2)}` });
    const again = await (await fetch(`${second.url}/health`)).json();
    await second.stop();
    expect(again).toMatchObject({ status: 'ok', rocket: { source: `${base}?<redacted>` } });
    expectClean(second.output());
    expect(store.requests.length - before).toBe(1);
    expect(cacheListing(cacheDir)).toEqual(entries);
  }, 60_000);
});
