import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RocketApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { writeDemoRocket } from '../../src/demo/rocket.js';
import { createLogger } from '../../src/log.js';
import { decodeModelProto, encodeModelProto } from '../../src/onnx/proto.js';
// Loaded here already, so that app.metrics.load() below reads the pool the moment the spec is read.
import '../../src/serving/metrics.js';
import { rejected } from '../helpers/errors.js';
import { buildColourClassifier, solidImage } from '../helpers/models.js';

// A rocket app takes work as soon as its spec is read: the work decodes while the first worker may
// still be creating its session, and its inference waits for the pool.

const apps: RocketApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.drain(0)));
});

function startApp(rocketUrl: string): RocketApp {
  const config = loadConfig({ env: { WORKERS: '1', ROCKET_URL: rocketUrl }, cwd: tmpdir() });
  const app = new RocketApp(
    config,
    createLogger('error', () => {}),
  );
  apps.push(app);
  return app;
}

/** The colour classifier with an operator no ONNX opset has: its spec reads, onnxruntime refuses it. */
function unloadableModel(): string {
  const proto = decodeModelProto(buildColourClassifier());
  const graph = proto.graph ?? {};
  const nodes = (graph.node ?? []).map((n, i) => (i === 0 ? { ...n, opType: 'NoSuchOperator' } : n));
  const bytes = encodeModelProto({ ...proto, graph: { ...graph, node: nodes } as typeof graph });
  const path = join(mkdtempSync(join(tmpdir(), 'app-start-')), 'unloadable.onnx');
  writeFileSync(path, bytes);
  return path;
}

describe('a rocket app starting', () => {
  it('takes work once the spec is read, before it is ready, and answers it once the worker is', async () => {
    const app = startApp(await writeDemoRocket(mkdtempSync(join(tmpdir(), 'app-start-'))));
    await app.servable;
    // The first worker has not been heard from yet: the pool has no worker, nothing is proven.
    expect(await (await app.metrics.load()).registry.getSingleMetricAsString('rocket_workers')).toMatch(
      /^rocket_workers 0$/m,
    );
    expect(app.health().status).toBe('loading');
    const scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
    const result = await app.pipeline().process(scene);
    expect(result.detections).toHaveLength(3);
    await app.ready;
    expect(app.health().status).toBe('ok');
  });

  it('refuses the work that went on with NOT_READY when the first worker cannot load the model', async () => {
    const app = startApp(unloadableModel());
    await app.servable;
    const err = await rejected(app.pipeline().process(await solidImage([200, 0, 0])));
    expect(err.code).toBe('NOT_READY');
    expect(err.message).toContain('The rocket failed to load');
    expect((await rejected(app.ready)).code).toBe('MODEL_LOAD_FAILED');
    expect(app.health().status).toBe('failed');
  });
});
