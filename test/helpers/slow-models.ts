import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/onnx/build.js';

/** The side of the square matrices the slow model multiplies: about 2 GFLOP per product. */
const SIDE = 1024;

/**
 * The colour classifier of models.ts (`pixels` [batch, 3, 16, 16] → `logits` [batch, 3]) made
 * slow on purpose: it also multiplies a [1024, 1024] matrix, scaled by the input's mean, `products`
 * times (about 2 GFLOP each), and adds 0 × the result's mean to the logits. The answer is the colour
 * classifier's; each run takes long enough for a test to act while it runs.
 */
export function buildSlowColourClassifier(products: number): Uint8Array {
  const g = new GraphBuilder({ name: 'slow-colour-classifier' });
  const x = g.input('pixels', 'float32', ['batch', 3, 16, 16]);
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: { int: 1 } });
  const w = new Float32Array(9).map((_, i) => (i % 4 === 0 ? 10 : -5));
  const logits = g.op('MatMul', [pooled, g.initializer('w', w, [3, 3])]);
  // Depends on the input, so onnxruntime cannot fold it into a constant when it loads the model.
  const mean = g.op('ReduceMean', [x], { keepdims: { int: 0 } });
  const side = g.initializer('side', new Float32Array(SIDE * SIDE).fill(1 / SIDE), [SIDE, SIDE]);
  let product = g.op('Mul', [side, mean]);
  for (let i = 0; i < products; i++) product = g.op('MatMul', [product, side]);
  const nothing = g.op('Mul', [g.op('ReduceMean', [product], { keepdims: { int: 0 } }), g.scalar(0)]);
  g.node('Add', [logits, nothing], {}, ['logits']);
  g.output('logits', 'float32', ['batch', 3]);
  return g.toBytes();
}

/** A rocket directory around {@link buildSlowColourClassifier}, named `slow-colour`. Returns its path. */
export function writeSlowColourRocket(products: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-slow-'));
  writeFileSync(join(dir, 'slow.onnx'), buildSlowColourClassifier(products));
  writeFileSync(join(dir, 'labels.txt'), 'red\ngreen\nblue\n');
  const manifest = {
    name: 'slow-colour',
    version: '1.0.0',
    task: 'classify',
    model: 'slow.onnx',
    labels: 'labels.txt',
    thresholds: { topk: 3 },
    preprocess: { resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1] },
  };
  writeFileSync(join(dir, 'rocket.json'), JSON.stringify(manifest));
  return dir;
}
