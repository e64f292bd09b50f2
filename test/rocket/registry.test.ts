import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packRocket } from '../../src/commands/pack.js';
import { writeDemoRocket } from '../../src/demo/rocket.js';
import { resolveRocketUrl } from '../../src/rocket/resolve.js';
import { parseChecksumFile, parseRegistryName, registryLocation } from '../../src/rocket/sources/registry.js';
import { runCli } from '../commands/run-cli.js';
import { buildColourClassifier } from '../helpers/models.js';
import { failedStartup, startServer } from '../helpers/server.js';
import { cacheContext, cacheListing, type FakeServer, startFake } from './fakes.js';

/** Serves a directory tree read-only over http, the way a static web server or bucket would. */
async function serveTree(root: string): Promise<FakeServer> {
  return startFake((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    try {
      if (!path.startsWith(root)) throw new Error('outside');
      const body = readFileSync(path);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
}

/** The demo detector as a rocket directory named yolov3, packed as lucas/yolov3 into a registry tree. */
async function demoRegistry(): Promise<string> {
  const rocket = await mkdtemp(join(tmpdir(), 'rocket-yolov3-'));
  await writeDemoRocket(rocket);
  await writeFile(
    join(rocket, 'rocket.json'),
    JSON.stringify({ name: 'yolov3', version: '3.0', model: 'demo-detector.onnx' }),
  );
  const registry = await mkdtemp(join(tmpdir(), 'rocket-registry-'));
  await packRocket(rocket, {
    outDir: registry,
    registry: true,
    as: { owner: 'lucas', name: 'yolov3', version: 'latest' },
  });
  return registry;
}

describe('registry names', () => {
  it('parses owner/name[@version], defaulting to latest, and leaves file paths alone', () => {
    expect(parseRegistryName('lucas/yolov3')).toEqual({ owner: 'lucas', name: 'yolov3', version: 'latest' });
    expect(parseRegistryName('lucas/yolov3@1.2')).toEqual({ owner: 'lucas', name: 'yolov3', version: '1.2' });
    for (const notAName of [
      'models/yolov8n.onnx',
      'a/b/c',
      './a/b',
      '../x',
      'lucas/..',
      'a/rocket.tar.gz',
      'x',
    ])
      expect(parseRegistryName(notAName), notAName).toBeUndefined();
  });

  it('lays rockets out as {registry}/{owner}/{name}/{version}/rocket.tar.gz plus .sha256', () => {
    expect(
      registryLocation('http://127.0.0.1:9/reg/', { owner: 'lucas', name: 'yolov3', version: 'latest' }),
    ).toEqual({
      archive: 'http://127.0.0.1:9/reg/lucas/yolov3/latest/rocket.tar.gz',
      checksum: 'http://127.0.0.1:9/reg/lucas/yolov3/latest/rocket.tar.gz.sha256',
    });
    expect(parseChecksumFile(`${'AB'.repeat(32)}  rocket.tar.gz\n`, 'u')).toBe('ab'.repeat(32));
    expect(() => parseChecksumFile('<html>', 'u')).toThrow(/sha256 hex digest/);
  });

  it('prefers an existing local directory named like owner/name', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'rocket-cwd-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(cwd, 'lucas', 'yolov3'), { recursive: true });
    const ctx = cacheContext({ cwd, registry: 'http://127.0.0.1:9/' });
    expect((await resolveRocketUrl('lucas/yolov3', ctx)).path).toBe(join(cwd, 'lucas', 'yolov3'));
  });
});

describe('ROCKET_URL=lucas/yolov3 from a local http registry', () => {
  let registry: FakeServer;
  let cacheDir: string;

  beforeAll(async () => {
    registry = await serveTree(await demoRegistry());
    cacheDir = join(await mkdtemp(join(tmpdir(), 'rocket-cache-')), 'cache');
  });
  afterAll(() => registry?.close());

  it('downloads once, then starts from the cache with the registry stopped', async () => {
    const env = { ROCKET_URL: 'lucas/yolov3', ROCKET_REGISTRY: `${registry.url}/`, CACHE_DIR: cacheDir };
    const first = await startServer('npm start server', env);
    const health = await (await fetch(`${first.url}/health`)).json();
    await first.stop();
    expect(health).toMatchObject({
      status: 'ok',
      rocket: { name: 'yolov3', version: '3.0', source: 'lucas/yolov3' },
    });
    expect(registry.requests).toEqual([
      'GET /lucas/yolov3/latest/rocket.tar.gz.sha256',
      'GET /lucas/yolov3/latest/rocket.tar.gz',
    ]);
    expect(cacheListing(cacheDir)).toHaveLength(1);

    await registry.close();
    const second = await startServer('npm start server', env);
    const again = await (await fetch(`${second.url}/health`)).json();
    await second.stop();
    expect(again).toMatchObject({ status: 'ok', rocket: { name: 'yolov3' } });
    expect(registry.requests).toHaveLength(2);
  });

  it('fails startup clearly for a name the registry lacks, naming it', async () => {
    const other = await serveTree(await demoRegistry());
    const { code, output } = await failedStartup('npm start server', {
      ROCKET_URL: 'lucas/yolov9',
      ROCKET_REGISTRY: other.url,
      CACHE_DIR: join(await mkdtemp(join(tmpdir(), 'rocket-cache-')), 'cache'),
    });
    await other.close();
    expect(code).toBe(1);
    expect(output).toContain('ROCKET_DOWNLOAD_FAILED');
    expect(output).toContain('lucas/yolov9');
    expect(output).toContain('answered 404');
  });
});

describe('two processes starting at once', () => {
  it('both download, one entry wins, and both use it', async () => {
    const model = Buffer.from(buildColourClassifier());
    // The server answers only once both processes have asked, so both really download.
    const waiting: (() => void)[] = [];
    const server = await startFake((_req, res) => {
      waiting.push(() => res.writeHead(200, { 'content-length': model.length }).end(model));
      if (waiting.length === 2) for (const send of waiting) send();
    });
    const cwd = await mkdtemp(join(tmpdir(), 'rocket-race-'));
    const cacheDir = join(cwd, 'cache');
    const url = `${server.url}/race/colour.onnx`;
    const runs = await Promise.all(
      [1, 2].map(() => runCli(['inspect', url, '--json'], { CACHE_DIR: cacheDir }, cwd)),
    );
    await server.close();
    expect(server.requests).toHaveLength(2);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const [a, b] = runs.map((r) => JSON.parse(r.stdout).model as string);
    expect(a).toBe(b);
    expect(readFileSync(a as string).equals(model)).toBe(true);
    expect(cacheListing(cacheDir)).toHaveLength(1);
  });
});
