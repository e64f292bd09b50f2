import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.js';

/** Every family's worker side, which a worker loads by name (src/inference/heads.ts). */
const HEADS = readdirSync('src/tasks', { withFileTypes: true })
  .map((entry) => `src/tasks/${entry.name}/head.ts`)
  .filter((path) => existsSync(path));

/**
 * The packages an inference worker can import: its entry module and every family head, followed
 * through their imports by esbuild, which reports the packages it leaves external.
 */
async function workerPackages(): Promise<Set<string>> {
  const metafile = await importGraph(['src/inference/worker.ts', ...HEADS]);
  const packages = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external && !imported.path.startsWith('node:')) packages.add(imported.path);
    }
  }
  return packages;
}

describe('the inference worker', () => {
  it('imports no package that only the main thread needs, in its own modules or a family head', async () => {
    expect(HEADS).toContain('src/tasks/detect/head.ts');
    const packages = await workerPackages();
    // The analysis sees the worker's own imports...
    expect(packages).toContain('onnxruntime-node');
    // ...and none of these: each costs every worker memory and start-up time before its session.
    for (const mainThreadOnly of ['protobufjs', 'zod', 'sharp', 'prom-client', 'busboy']) {
      expect(packages, `${mainThreadOnly} is imported by a worker module`).not.toContain(mainThreadOnly);
    }
  });
});
