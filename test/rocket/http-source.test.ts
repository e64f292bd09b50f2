import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packRocket } from '../../src/commands/pack.js';
import { loadRocket } from '../../src/rocket/load.js';
import { resolveRocketUrl } from '../../src/rocket/resolve.js';
import { rejected } from '../helpers/errors.js';
import { buildColourClassifier, writeColourRocket } from '../helpers/models.js';
import { cacheContext, cacheListing, type FakeServer, startFake, staticFiles } from './fakes.js';

const model = Buffer.from(buildColourClassifier());
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('https/http rockets', () => {
  let server: FakeServer;
  let archive: Buffer;

  beforeAll(async () => {
    const out = await mkdtemp(join(tmpdir(), 'rocket-pack-'));
    const packed = await packRocket(writeColourRocket(), { outDir: out });
    archive = readFileSync(packed.archive);
    server = await startFake(
      staticFiles({
        '/models/colour.onnx': model,
        '/rockets/colour/rocket.tar.gz': archive,
        '/page.onnx': '<!doctype html><p>login</p>',
        '/notgzip/rocket.tar.gz': model,
      }),
    );
  });
  afterAll(() => server?.close());

  it('downloads a .onnx once, keeps its file name, and serves later starts from the cache', async () => {
    const ctx = cacheContext();
    const url = `${server.url}/models/colour.onnx`;
    const before = server.requests.length;
    const first = await resolveRocketUrl(url, ctx);
    expect(basename(first.path)).toBe('colour.onnx');
    expect(first.isDirectory).toBe(false);
    expect(readFileSync(first.path).equals(model)).toBe(true);
    // The entry is readable by other users (a cache baked into an image as root, served as another user).
    expect(statSync(dirname(dirname(first.path))).mode & 0o777).toBe(0o755);
    const second = await resolveRocketUrl(url, ctx);
    expect(second.path).toBe(first.path);
    expect(server.requests.length - before).toBe(1);
    expect(cacheListing(ctx.cacheDir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('unpacks a rocket.tar.gz into a rocket directory that loads', async () => {
    const ctx = cacheContext();
    const url = `${server.url}/rockets/colour/rocket.tar.gz#sha256=${sha(archive)}`;
    const { path, isDirectory } = await resolveRocketUrl(url, ctx);
    expect(isDirectory).toBe(true);
    expect(readFileSync(join(path, 'rocket.json'), 'utf8')).toContain('"colour"');
    const spec = await loadRocket(url, tmpdir(), {
      CACHE_DIR: ctx.cacheDir,
      MAX_ROCKET_BYTES: ctx.maxBytes,
    });
    expect(spec).toMatchObject({ name: 'colour', task: 'classify', labels: ['red', 'green', 'blue'] });
  });

  it('checks the #sha256= fragment and caches nothing on a mismatch', async () => {
    const ctx = cacheContext();
    const url = `${server.url}/models/colour.onnx#sha256=${'0'.repeat(64)}`;
    const err = await rejected(resolveRocketUrl(url, ctx));
    expect(err.code).toBe('ROCKET_CHECKSUM_MISMATCH');
    expect(err.message).toContain(`${server.url}/models/colour.onnx`);
    expect(err.message).toContain(sha(model));
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
    const ok = await resolveRocketUrl(
      `${server.url}/models/colour.onnx#sha256=${sha(model).toUpperCase()}`,
      ctx,
    );
    expect(readFileSync(ok.path).equals(model)).toBe(true);
  });

  it.each([
    ['a 404', '/missing.onnx', /answered 404/],
    ['an HTML page', '/page.onnx', /neither an ONNX model nor a rocket\.tar\.gz/],
  ])('fails on %s with ROCKET_DOWNLOAD_FAILED naming the URL, caching nothing', async (_, path, why) => {
    const ctx = cacheContext();
    const err = await rejected(resolveRocketUrl(`${server.url}${path}`, ctx));
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain(`${server.url}${path}`);
    expect(err.message).toMatch(why);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });

  it('rejects a rocket.tar.gz that is not gzip', async () => {
    const ctx = cacheContext();
    const err = await rejected(resolveRocketUrl(`${server.url}/notgzip/rocket.tar.gz`, ctx));
    expect(err.code).toBe('ROCKET_ARCHIVE_INVALID');
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });

  it('fails on an unreachable host, naming the URL', async () => {
    const gone = await startFake(() => {});
    await gone.close();
    const ctx = cacheContext();
    const url = `${gone.url}/model.onnx`;
    const err = await rejected(resolveRocketUrl(url, ctx));
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain(url);
    expect(err.message).toMatch(/cannot reach the server.*ECONNREFUSED/);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });

  it('says so when CACHE_DIR cannot be written', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'rocket-ro-')), 'a-file');
    writeFileSync(file, 'not a directory');
    const err = await rejected(
      resolveRocketUrl(`${server.url}/models/colour.onnx`, cacheContext({ cacheDir: join(file, 'cache') })),
    );
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain(`CACHE_DIR ${join(file, 'cache')} is not writable`);
  });

  it.each([
    ['a malformed URL', 'https://', 'ROCKET_URL_INVALID'],
    ['a bad #sha256= fragment', 'https://example.invalid/m.onnx#sha256=abc', 'ROCKET_URL_INVALID'],
    ['an unknown scheme', 'ftp://example.invalid/m.onnx', 'ROCKET_URL_UNSUPPORTED'],
  ])('refuses %s before any network access', async (_, url, code) => {
    const ctx = cacheContext();
    expect((await rejected(resolveRocketUrl(url, ctx))).code).toBe(code);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });
});

describe('broken downloads', () => {
  it('a body cut short of its Content-Length is ROCKET_DOWNLOAD_FAILED and leaves nothing', async () => {
    const server = await startFake((_req, res) => {
      res.writeHead(200, { 'content-length': String(model.length) });
      res.write(model.subarray(0, 100), () => res.destroy());
    });
    const ctx = cacheContext();
    const url = `${server.url}/cut.onnx`;
    const err = await rejected(resolveRocketUrl(url, ctx));
    await server.close();
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain(url);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });

  it('refuses a download larger than MAX_ROCKET_BYTES, announced or not', async () => {
    const big = Buffer.alloc(8192, 8);
    const server = await startFake((req, res) => {
      // /chunked sends no Content-Length, so the limit is enforced while streaming.
      res.writeHead(200, req.url === '/chunked.onnx' ? {} : { 'content-length': String(big.length) });
      res.end(big);
    });
    for (const path of ['/sized.onnx', '/chunked.onnx']) {
      const ctx = cacheContext({ maxBytes: 4096 });
      const err = await rejected(resolveRocketUrl(`${server.url}${path}`, ctx));
      expect(err.code, path).toBe('ROCKET_DOWNLOAD_FAILED');
      expect(err.message, path).toContain('MAX_ROCKET_BYTES');
      expect(cacheListing(ctx.cacheDir), path).toEqual([]);
    }
    await server.close();
  });

  it('two concurrent starts both get one complete entry', async () => {
    // The server answers only once both requests have arrived, so both really download.
    const waiting: (() => void)[] = [];
    const server = await startFake((_req, res) => {
      waiting.push(() => {
        res.writeHead(200, { 'content-length': String(model.length) });
        res.end(model);
      });
      if (waiting.length === 2) for (const send of waiting) send();
    });
    const ctx = cacheContext();
    const url = `${server.url}/race/colour.onnx`;
    const [a, b] = await Promise.all([resolveRocketUrl(url, ctx), resolveRocketUrl(url, ctx)]);
    await server.close();
    expect(server.requests).toHaveLength(2);
    expect(a.path).toBe(b.path);
    expect(readFileSync(a.path).equals(model)).toBe(true);
    expect(cacheListing(ctx.cacheDir)).toHaveLength(1);
  });
});
