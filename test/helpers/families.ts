import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/onnx/build.js';

/**
 * A "detector" whose head is a constant tensor (plus 0 × the input mean, so it depends on the
 * input): its correct boxes are known by construction. `layout` v5 gives [1, N, 5+C], v8 gives
 * [1, 4+C, N]. Rows are given as v5 rows [cx, cy, w, h, objectness, ...classes].
 */
export function buildConstantDetector(
  layout: 'v5' | 'v8',
  input: { width: number; height: number },
  rows: number[][],
  names?: string[],
): Uint8Array {
  const g = new GraphBuilder({ name: `constant-${layout}` });
  const x = g.input('images', 'float32', [1, 3, input.height, input.width]);
  const n = rows.length;
  const c = (rows[0]?.length ?? 5) - 5;
  const values =
    layout === 'v5'
      ? Float32Array.from(rows.flat())
      : Float32Array.from(
          Array.from({ length: 4 + c }, (_, r) =>
            rows.map((row) => (r < 4 ? row[r] : row[r + 1]) as number),
          ).flat(),
        );
  const dims = layout === 'v5' ? [1, n, 5 + c] : [1, 4 + c, n];
  const head = g.initializer('head', values, dims);
  const zero = g.op('Mul', [g.op('ReduceMean', [x], { keepdims: { int: 0 } }), g.scalar(0)]);
  g.node('Add', [head, zero], {}, ['output0']);
  g.output('output0', 'float32', dims);
  if (names) g.metadata('names', `{${names.map((l, i) => `${i}: '${l}'`).join(', ')}}`);
  return g.toBytes();
}

/** An RGB image-to-image model: inverts the colours (1 − x) and doubles the size (nearest). */
export function buildInvertUpscale(size: number): Uint8Array {
  const g = new GraphBuilder({ name: 'invert-upscale' });
  const x = g.input('input', 'float32', [1, 3, size, size]);
  const inverted = g.op('Sub', [g.scalar(1), x]);
  const scales = g.initializer('scales', new Float32Array([1, 1, 2, 2]), [4]);
  g.node('Resize', [inverted, '', scales], { mode: { string: 'nearest' } }, ['output']);
  g.output('output', 'float32', [1, 3, size * 2, size * 2]);
  return g.toBytes();
}

/** A Y-channel model in the super-resolution convention: [1, 1, s, s] → [1, 1, 3s, 3s] (nearest). */
export function buildLumaUpscale(size: number): Uint8Array {
  const g = new GraphBuilder({ name: 'luma-upscale' });
  const x = g.input('input', 'float32', [1, 1, size, size]);
  const scales = g.initializer('scales', new Float32Array([1, 1, 3, 3]), [4]);
  g.node('Resize', [x, '', scales], { mode: { string: 'nearest' } }, ['output']);
  g.output('output', 'float32', [1, 1, size * 3, size * 3]);
  return g.toBytes();
}

/** Writes model bytes to a temp .onnx file and returns its path. */
export function writeModel(bytes: Uint8Array, name = 'model.onnx'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rocket-family-')), name);
  writeFileSync(path, bytes);
  return path;
}
