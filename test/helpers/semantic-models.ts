/**
 * Semantic segmentation models made in code, whose right answers are known by construction: each
 * pixel's class scores are a linear function of its colour (input RGB in 0..1), and images made of
 * blocks of pure colours.
 */
import sharp from 'sharp';
import { GraphBuilder } from '../../src/onnx/build.js';
import { classColour } from '../../src/tasks/semantic/palette.js';

/** Classes of the colour segmenter: black is background, a saturated colour its class. */
export const COLOUR_CLASSES = ['background', 'red', 'green', 'blue', 'never'];

/**
 * Class scores per pixel (rows: classes; columns: r, g, b, bias): background 0.5 − r − g − b,
 * red r − g − b (and the same for green and blue), never −10. Pure red → red, black →
 * background; grey 114 (the letterbox pad) → red, the first of three equal scores.
 */
const COLOUR_SCORES = [
  [-1, -1, -1, 0.5],
  [1, -1, -1, 0],
  [-1, 1, -1, 0],
  [-1, -1, 1, 0],
  [0, 0, 0, -10],
];

/** Classes of the multi-label segmenter. */
export const LABEL_CLASSES = ['red', 'green', 'blue', 'dark', 'never'];

/**
 * Multi-label logits: red 20·(r − 0.5), green 20·(g − 0.5), blue 20·(b − 0.5), dark
 * 20·(0.3 − mean(r, g, b)), never −20. Lime (200, 255, 0) is red and green (green the higher),
 * black is dark, grey 100 is nothing.
 */
const LABEL_SCORES = [
  [20, 0, 0, -10],
  [0, 20, 0, -10],
  [0, 0, 20, -10],
  [-20 / 3, -20 / 3, -20 / 3, 6],
  [0, 0, 0, -20],
];

export interface SegmenterOptions {
  /** Tensor layout of input and output (default nchw). */
  layout?: 'nchw' | 'nhwc';
  /** The output is the input size divided by this (average pooling first; nchw only). */
  stride?: number;
  /** What the output holds: scores (default), sigmoid probabilities, or argmaxed int64 class ids. */
  head?: 'scores' | 'sigmoid' | 'argmax';
  /** Which score table: the colour classes (default) or the multi-label ones. */
  scores?: 'colour' | 'labels';
}

/**
 * A segmenter of a `size × size` input: [1, 3, s, s] → [1, 5, s/k, s/k] (nchw), [1, s, s, 3] →
 * [1, s, s, 5] (nhwc), or [1, s/k, s/k] int64 ids (argmax).
 */
export function buildSegmenter(size: number, options: SegmenterOptions = {}): Uint8Array {
  const { layout = 'nchw', stride = 1, head = 'scores', scores = 'colour' } = options;
  const table = scores === 'colour' ? COLOUR_SCORES : LABEL_SCORES;
  const classes = table.length;
  const g = new GraphBuilder({ name: `segmenter-${layout}-${head}` });
  const map = size / stride;
  const weights = Float32Array.from(table.flatMap((row) => row.slice(0, 3)));
  const bias = Float32Array.from(table.map((row) => row[3] as number));
  let out: string;
  let dims: number[];
  if (layout === 'nhwc') {
    const x = g.input('input', 'float32', [1, size, size, 3]);
    // [1, s, s, 3] × [3, C] + [C]: the weights transposed to one column per class.
    const columns = Float32Array.from(
      { length: 3 * classes },
      (_, i) => weights[(i % classes) * 3 + Math.floor(i / classes)] as number,
    );
    out = g.op('Add', [
      g.op('MatMul', [x, g.initializer('w', columns, [3, classes])]),
      g.initializer('b', bias, [classes]),
    ]);
    dims = [1, size, size, classes];
  } else {
    const x = g.input('input', 'float32', [1, 3, size, size]);
    const pooled =
      stride > 1
        ? g.op('AveragePool', [x], {
            kernel_shape: { ints: [stride, stride] },
            strides: { ints: [stride, stride] },
          })
        : x;
    out = g.op('Conv', [
      pooled,
      g.initializer('w', weights, [classes, 3, 1, 1]),
      g.initializer('b', bias, [classes]),
    ]);
    dims = [1, classes, map, map];
  }
  if (head === 'sigmoid') out = g.op('Sigmoid', [out]);
  if (head === 'argmax') {
    g.node('ArgMax', [out], { axis: { int: 1 }, keepdims: { int: 0 } }, ['output']);
    g.output('output', 'int64', [1, map, map]);
  } else {
    g.node('Identity', [out], {}, ['output']);
    g.output('output', 'float32', dims);
  }
  return g.toBytes();
}

/** A block of one colour: columns [x0, x1) and rows [y0, y1). */
export interface Block {
  rgb: [number, number, number];
  x: [number, number];
  y: [number, number];
}

/** A PNG of `width × height` black pixels with coloured blocks painted in order. */
export function blocksImage(width: number, height: number, blocks: readonly Block[]): Promise<Buffer> {
  const pixels = new Uint8Array(width * height * 3);
  for (const { rgb, x, y } of blocks) {
    for (let row = y[0]; row < y[1]; row++)
      for (let col = x[0]; col < x[1]; col++) pixels.set(rgb, 3 * (row * width + col));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Raw RGB pixels of a decoded picture, and its size. */
export async function rgbPixels(image: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * The class ids of a `format=mask` PNG, decoded by sharp (to colours) and read back through the
 * palette; a colour that is no class's gives −1.
 */
export async function maskIds(png: Buffer): Promise<{ ids: Int32Array; width: number; height: number }> {
  const { data, width, height } = await rgbPixels(png);
  const rgbKey = (r: number, g: number, b: number) => (r << 16) | (g << 8) | b;
  const byColour = new Map(Array.from({ length: 256 }, (_, id) => [rgbKey(...classColour(id)), id]));
  const ids = new Int32Array(width * height);
  for (let p = 0; p < ids.length; p++) {
    const key = rgbKey(data[3 * p] as number, data[3 * p + 1] as number, data[3 * p + 2] as number);
    ids[p] = byColour.get(key) ?? -1;
  }
  return { ids, width, height };
}

/** Each id's share of the pixels, ids in order of first appearance. */
export function idShares(ids: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let p = 0; p < ids.length; p++) counts.set(ids[p] as number, (counts.get(ids[p] as number) ?? 0) + 1);
  return new Map([...counts].map(([id, n]) => [id, n / ids.length]));
}
