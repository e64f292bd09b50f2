import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { GraphBuilder } from '../../src/onnx/build.js';

/**
 * A colour classifier made in code: global average of the normalised RGB input, then logits
 * `10·c − 5·(sum of the other two)` for red, green and blue. A saturated red image is "red".
 * Input `pixels` [batch, 3, size, size]; output `logits` [batch, 3]. A large size makes each run
 * slow enough to interrupt.
 */
export function buildColourClassifier(size = 16): Uint8Array {
  const g = new GraphBuilder({ name: 'colour-classifier' });
  const x = g.input('pixels', 'float32', ['batch', 3, size, size]);
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: { int: 1 } });
  const w = new Float32Array(9).map((_, i) => (i % 4 === 0 ? 10 : -5));
  const logits = g.op('MatMul', [pooled, g.initializer('w', w, [3, 3])]);
  g.node('Identity', [logits], {}, ['logits']);
  g.output('logits', 'float32', ['batch', 3]);
  return g.toBytes();
}

/** Manifest fields to change in a colour rocket; `preprocess` is merged into the default one. */
/** A new empty folder under the system's temporary one. */
export const tempDir = (prefix = 'rocket-test-'): string => mkdtempSync(join(tmpdir(), prefix));

/** `bytes` (the colour classifier by default) written as `model.onnx` in a folder of its own; returns its path. */
export function writeModelFile(bytes: Uint8Array = buildColourClassifier(16)): string {
  const path = join(tempDir(), 'model.onnx');
  writeFileSync(path, bytes);
  return path;
}

type ManifestOverrides = Record<string, unknown> & { preprocess?: Record<string, unknown> };

/**
 * A rocket directory: the colour classifier, a labels file and a manifest (with `overrides` spread
 * over it). Returns its path.
 */
export function writeColourRocket(overrides: ManifestOverrides = {}, size = 16): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-colour-'));
  writeFileSync(join(dir, 'colour.onnx'), buildColourClassifier(size));
  writeFileSync(join(dir, 'labels.txt'), 'red\ngreen\nblue\n');
  const preprocess = { resize: 'stretch', mean: [0, 0, 0], std: [1, 1, 1] };
  const manifest = {
    name: 'colour',
    version: '1.0.0',
    task: 'classify',
    model: 'colour.onnx',
    labels: 'labels.txt',
    thresholds: { topk: 3 },
    ...overrides,
    preprocess: { ...preprocess, ...overrides.preprocess },
  };
  writeFileSync(join(dir, 'rocket.json'), JSON.stringify(manifest));
  return dir;
}

/** A solid-colour image, encoded as `format`. */
export function solidImage(
  rgb: [number, number, number],
  format: 'png' | 'jpeg' = 'png',
  size = 40,
): Promise<Buffer> {
  const [r, g, b] = rgb;
  const image = sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } });
  return (format === 'png' ? image.png() : image.jpeg()).toBuffer();
}
