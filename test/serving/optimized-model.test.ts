import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, postImage } from '../helpers/http.js';
import { ROOT, startServer } from '../helpers/server.js';

const shapes = readFileSync(join(ROOT, 'build', 'demo', 'shapes.jpg'));

/** Serves the demo rocket with `cacheDir` as CACHE_DIR: what its `rocket ready` line says of the cache, and its answer. */
async function serveOnce(cacheDir: string, env: Record<string, string> = {}, waitFor?: () => boolean) {
  const server = await startServer('npm start server', { CACHE_DIR: cacheDir, ...env });
  try {
    while (waitFor && !waitFor()) await new Promise((r) => setTimeout(r, 50));
    const res = await postImage(server.url, shapes);
    expect(res.status).toBe(200);
    const { detections } = await json(res);
    const ready = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.message === 'rocket ready');
    return { optimizedModel: ready?.optimizedModel, detections };
  } finally {
    await server.stop();
  }
}

describe("onnxruntime's optimized-model cache in CACHE_DIR", () => {
  it('saves the copy on the first start, loads it on the next, and answers the same', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'optimized-cache-'));
    const first = await serveOnce(cacheDir);
    expect(first.optimizedModel).toBe('saved');
    // The copy, and (once the demo model has stood unchanged for 2 s) the memo of its digest.
    expect(
      readdirSync(join(cacheDir, 'optimized')).filter((name) => name.endsWith('.ort.onnx')),
    ).toHaveLength(1);
    expect(first.detections.map((d: { label: string }) => d.label).sort()).toEqual(['blue', 'green', 'red']);
    const second = await serveOnce(cacheDir);
    expect(second.optimizedModel).toBe('loaded');
    expect(second.detections).toEqual(first.detections);
  }, 60_000);

  it('with several workers, the first leaves the copy to a worker behind it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'optimized-cache-'));
    const copies = () =>
      readdirSync(join(cacheDir, 'optimized'), { withFileTypes: true }).filter((f) =>
        f.name.endsWith('.ort.onnx'),
      );
    const first = await serveOnce(
      cacheDir,
      { WORKERS: '2' },
      () => existsSync(join(cacheDir, 'optimized')) && copies().length > 0,
    );
    expect(first.optimizedModel).toBe('not cached: no copy yet (a worker behind this one saves it)');
    const second = await serveOnce(cacheDir, { WORKERS: '2' });
    expect(second.optimizedModel).toBe('loaded');
    expect(second.detections).toEqual(first.detections);
  }, 60_000);

  it('serves without it where CACHE_DIR cannot be written, and says why', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'optimized-cache-')), 'a-file');
    writeFileSync(file, '');
    const { optimizedModel, detections } = await serveOnce(join(file, 'cache'));
    expect(optimizedModel).toMatch(/^not cached: .*(ENOTDIR|not a directory)/);
    expect(detections).toHaveLength(3);
  }, 60_000);
});
