/**
 * Image-to-image models built in code, and rocket directories around them: an any-size ×2
 * "super-resolution" (a 3×3 convolution, then bilinear upsampling) whose tiles must blend into its
 * whole-image output, its Y-channel twin, a fixed-size identity for the answer's size, and an
 * any-size mean-colour classifier for batches of different sizes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { GraphBuilder } from '../../src/onnx/build.js';
import { createRandom } from './random.js';

/**
 * `[N, 3, H, W]` → `[N, 3, 2H, 2W]` for any H and W: a 3×3 convolution with zero padding whose
 * weights (seeded) are positive and sum to 1 per output channel, so 0..1 stays 0..1, then
 * bilinear ×2 upsampling. Its receptive field is 2 input pixels, far within a tile overlap.
 */
export function buildConvUpscale(seed = 7): Uint8Array {
  const random = createRandom(seed);
  const weights = new Float32Array(3 * 3 * 3 * 3);
  for (let out = 0; out < 3; out++) {
    const kernel = random.floats(27, 0.1, 1);
    const sum = kernel.reduce((a, b) => a + b, 0);
    weights.set(
      kernel.map((w) => w / sum),
      out * 27,
    );
  }
  const g = new GraphBuilder({ name: 'conv-upscale' });
  const x = g.input('input', 'float32', ['N', 3, 'H', 'W']);
  const w = g.initializer('weights', weights, [3, 3, 3, 3]);
  const conv = g.op('Conv', [x, w], { pads: { ints: [1, 1, 1, 1] }, kernel_shape: { ints: [3, 3] } });
  const scales = g.initializer('scales', new Float32Array([1, 1, 2, 2]), [4]);
  g.node('Resize', [conv, '', scales], { mode: { string: 'linear' } }, ['output']);
  g.output('output', 'float32', ['N', 3, 'H2', 'W2']);
  return g.toBytes();
}

/** A Y-channel model of any size: `[N, 1, H, W]` → `[N, 1, 2H, 2W]` (nearest). */
export function buildAnySizeLuma(): Uint8Array {
  const g = new GraphBuilder({ name: 'luma-any-size' });
  const x = g.input('input', 'float32', ['N', 1, 'H', 'W']);
  const scales = g.initializer('scales', new Float32Array([1, 1, 2, 2]), [4]);
  g.node('Resize', [x, '', scales], { mode: { string: 'nearest' } }, ['output']);
  g.output('output', 'float32', ['N', 1, 'H2', 'W2']);
  return g.toBytes();
}

/** `[1, 3, size, size]` → the same tensor: a fixed-size model whose answer shows the stretch. */
export function buildIdentity(size: number): Uint8Array {
  const g = new GraphBuilder({ name: 'identity' });
  const x = g.input('input', 'float32', [1, 3, size, size]);
  g.node('Mul', [x, g.scalar(1)], {}, ['output']);
  g.output('output', 'float32', [1, 3, size, size]);
  return g.toBytes();
}

/** `[N, 3, H, W]` → `[N, 3]`, each image's mean colour: a classifier of any input size. */
export function buildMeanColour(): Uint8Array {
  const g = new GraphBuilder({ name: 'mean-colour' });
  const x = g.input('input', 'float32', ['N', 3, 'H', 'W']);
  const pooled = g.op('GlobalAveragePool', [x]);
  g.node('Flatten', [pooled], {}, ['scores']);
  g.output('scores', 'float32', ['N', 3]);
  return g.toBytes();
}

/** A rocket directory: the model (bytes, written beside; or a path, used in place) and rocket.json. */
export function writeRocket(model: Uint8Array | string, manifest: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-i2i-'));
  let path = model;
  if (typeof model !== 'string') {
    path = join(dir, 'model.onnx');
    writeFileSync(path, model);
  }
  writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ model: path, ...manifest }));
  return dir;
}

/** A PNG of `width × height` smooth colour gradients with some texture (seeded), and its RGB bytes. */
export async function gradientImage(
  width: number,
  height: number,
  seed = 1,
): Promise<{ png: Buffer; rgb: Uint8Array }> {
  const random = createRandom(seed);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      rgb[i] = Math.round((255 * x) / Math.max(1, width - 1));
      rgb[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      rgb[i + 2] = random.int(0, 255);
    }
  }
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return { png, rgb };
}
