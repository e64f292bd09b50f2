import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packRocket } from '../../src/commands/pack.js';
import { resolveRocketUrl } from '../../src/rocket/resolve.js';
import { rejected } from '../helpers/errors.js';
import { buildColourClassifier, writeColourRocket } from '../helpers/models.js';
import { cacheContext, cacheListing, cloudFakeEnv, type FakeServer, startFake } from './fakes.js';

const model = Buffer.from(buildColourClassifier());
const objects = new Map<string, Buffer>();

/**
 * One fake for three stores: Cloud Storage's JSON API media download
 * (`/b/{bucket}/o/{object}?alt=media`, with or without `/storage/v1`), S3 GetObject path-style
 * (`/{bucket}/{key}`), and the Hugging Face resolve path (`/{owner}/{repo}/resolve/{rev}/{path}`).
 */
function fakeStores(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const gs = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
  const key = gs
    ? `gs/${gs[1]}/${decodeURIComponent(gs[2] as string)}`
    : `other${decodeURIComponent(url.pathname)}`;
  const body = objects.get(key);
  if (!body) {
    if (gs)
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":404,"message":"No such object"}}');
    else
      res
        .writeHead(404, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>No such key</Message></Error>');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
}

describe('cloud rockets against local fakes', () => {
  let fake: FakeServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    fake = await startFake(fakeStores);
    Object.assign(process.env, { ...cloudFakeEnv(fake.url), HF_ENDPOINT: `${fake.url}/` });
    objects.set('gs/models-bkt/detectors/colour.onnx', model);
    objects.set('other/models-bkt/nested/colour.onnx', model);
    objects.set('other/lucas/colours/resolve/v2/onnx/colour.onnx', model);
    objects.set('other/lucas/colours/resolve/main/onnx/colour.onnx', model);
    const packed = await packRocket(writeColourRocket(), {
      outDir: await mkdtemp(join(tmpdir(), 'rocket-pack-')),
    });
    const archive = readFileSync(packed.archive);
    objects.set('other/registry/rockets/lucas/colour/latest/rocket.tar.gz', archive);
    objects.set(
      'other/registry/rockets/lucas/colour/latest/rocket.tar.gz.sha256',
      readFileSync(packed.checksum),
    );
    objects.set('gs/reg/lucas/colour/2/rocket.tar.gz', archive);
    objects.set(
      'gs/reg/lucas/colour/2/rocket.tar.gz.sha256',
      Buffer.from(`${createHash('sha256').update(archive).digest('hex')}  rocket.tar.gz\n`),
    );
  });
  afterAll(async () => {
    process.env = saved;
    await fake?.close();
  });

  it.each([
    ['gs:// through STORAGE_EMULATOR_HOST', 'gs://models-bkt/detectors/colour.onnx', 'GET /b/models-bkt/o/'],
    [
      's3:// through AWS_ENDPOINT_URL_S3',
      's3://models-bkt/nested/colour.onnx',
      'GET /models-bkt/nested/colour.onnx',
    ],
    [
      'hf:// with a revision through HF_ENDPOINT',
      'hf://lucas/colours/onnx/colour.onnx@v2',
      'GET /lucas/colours/resolve/v2/',
    ],
    ['hf:// at main', 'hf://lucas/colours/onnx/colour.onnx', 'GET /lucas/colours/resolve/main/'],
  ])('%s downloads once into the cache', async (_, url, request) => {
    const ctx = cacheContext();
    const before = fake.requests.length;
    const { path } = await resolveRocketUrl(url, ctx);
    expect(basename(path)).toBe('colour.onnx');
    expect(readFileSync(path).equals(model)).toBe(true);
    expect((await resolveRocketUrl(url, ctx)).path).toBe(path);
    const made = fake.requests.slice(before);
    expect(made).toHaveLength(1);
    expect(made[0]).toContain(request);
  });

  it.each([
    ['gs://models-bkt/absent.onnx', /absent\.onnx/],
    ['s3://models-bkt/absent.onnx', /answered 404 \(NoSuchKey\)/],
    ['hf://lucas/colours/absent.onnx', /answered 404/],
  ])('%s missing is ROCKET_DOWNLOAD_FAILED naming the URL, caching nothing', async (url, why) => {
    const ctx = cacheContext();
    const err = await rejected(resolveRocketUrl(url, ctx));
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain(url);
    expect(err.message).toMatch(why);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });

  it.each([
    ['an s3 registry (latest)', 's3://registry/rockets/', 'lucas/colour'],
    ['a gs registry (pinned version)', 'gs://reg', 'lucas/colour@2'],
  ])('resolves owner/name against %s and checks its sha256', async (_, registry, name) => {
    const ctx = cacheContext({ registry });
    const { path, isDirectory } = await resolveRocketUrl(name, ctx);
    expect(isDirectory).toBe(true);
    expect(JSON.parse(readFileSync(join(path, 'rocket.json'), 'utf8')).name).toBe('colour');
  });

  it('refuses a registry archive whose .sha256 does not match', async () => {
    objects.set('other/registry/rockets/lucas/tampered/latest/rocket.tar.gz', model);
    objects.set(
      'other/registry/rockets/lucas/tampered/latest/rocket.tar.gz.sha256',
      Buffer.from(`${'1'.repeat(64)}  x\n`),
    );
    const ctx = cacheContext({ registry: 's3://registry/rockets' });
    const err = await rejected(resolveRocketUrl('lucas/tampered', ctx));
    expect(err.code).toBe('ROCKET_CHECKSUM_MISMATCH');
    expect(err.message).toContain('lucas/tampered');
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });
});
