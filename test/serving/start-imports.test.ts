import { describe, expect, it } from 'vitest';
import { importGraph } from '../helpers/import-graph.js';

/**
 * What `rocket serve` loads before its first answer: its command, and the modules it imports while
 * it starts (app.ts's load(): the spec reader and the pipeline; serve.ts's listen(): the server).
 */
const START_PATH = [
  'src/cli.ts',
  'src/commands/serve.ts',
  'src/rocket/load.ts',
  'src/pipeline/pipeline.ts',
  'src/process-settings.ts',
  'src/server.ts',
];

/** The packages the start path imports, following static imports only (a dynamic import() loads later, if ever). */
async function startPackages(): Promise<Set<string>> {
  const metafile = await importGraph(START_PATH);
  const packages = new Set<string>();
  const seen = new Set<string>();
  const next = [...START_PATH];
  for (let file = next.pop(); file !== undefined; file = next.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (!imported.external) next.push(imported.path);
      else if (!imported.path.startsWith('node:')) packages.add(imported.path);
    }
  }
  return packages;
}

describe("rocket serve's cold start", () => {
  it('loads no package that the first answer does not need', async () => {
    const packages = await startPackages();
    // The analysis sees what a first answer needs...
    for (const needed of ['busboy', 'sharp']) expect(packages).toContain(needed);
    // ...and none of these, which load later: ONNX files are read by src/onnx/signature.ts, not
    // protobufjs; prom-client loads once the rocket is ready (src/serving/lazy-metrics.ts).
    for (const later of ['protobufjs', 'prom-client', 'onnxruntime-node']) {
      expect(packages, `${later} is imported on the start path`).not.toContain(later);
    }
  });
});
