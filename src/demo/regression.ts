import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphBuilder } from '../onnx/build.js';

/** Slope and intercept of the demo regression: y = 949.4·f + 152.1 (≈ 199.57 at f = 0.05). */
export const DEMO_REGRESSION = { slope: 949.4, intercept: 152.1 } as const;

/** A one-feature linear regression, as scikit-learn exports it: `float_input` [N, 1] → `variable` [N, 1]. */
export function buildDemoRegression(): Uint8Array {
  const g = new GraphBuilder({ name: 'demo-regression' });
  const x = g.input('float_input', 'float32', ['N', 1]);
  const w = g.initializer('coef', new Float32Array([DEMO_REGRESSION.slope]), [1, 1]);
  const b = g.initializer('intercept', new Float32Array([DEMO_REGRESSION.intercept]), [1]);
  g.node('Add', [g.op('MatMul', [x, w]), b], {}, ['variable']);
  g.output('variable', 'float32', ['N', 1]);
  return g.metadata('description', 'rocketserve demo regression').toBytes();
}

/**
 * Writes the demo regression rocket into `dir`: the model, a mapping naming its one feature `f`
 * (so `GET /prediction/?f=0.05` works), and the manifest. Returns the directory.
 */
export async function writeDemoRegressionRocket(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'regression.onnx'), buildDemoRegression());
  await writeFile(join(dir, 'mapping.json'), `${JSON.stringify(['f'])}\n`);
  const manifest = {
    name: 'demo-regression',
    version: '1',
    task: 'tabular',
    model: 'regression.onnx',
    mapping: 'mapping.json',
  };
  await writeFile(join(dir, 'rocket.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
