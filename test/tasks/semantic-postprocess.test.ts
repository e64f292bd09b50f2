// The semantic head without a worker: argmax (NCHW, NHWC), multi-label masks, class maps, the
// mapping of original pixels through stretch and letterbox, shares, and OUTPUT_INVALID.
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/index.js';
import type { Manifest } from '../../src/rocket/manifest.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import { createHead, type SemanticFields } from '../../src/tasks/semantic/head.js';
import type { OutputView } from '../../src/tasks/types.js';
import { thrown } from '../helpers/errors.js';
import { type Dims, imageSpec, jobFor, labelsOf, signature } from './helpers.js';

interface Rocket {
  input: Dims;
  output: Dims;
  elemType?: number;
  classes?: number;
  manifest?: Omit<Manifest, 'model'>;
}

/** A semantic spec for these shapes, with `classes` labels c0, c1, ... */
function specOf({ input, output, elemType, classes = 5, manifest = {} }: Rocket): ImageRocketSpec {
  return imageSpec(signature([['input', input]], [['output', output, elemType]]), {
    manifest: { model: 'm.onnx', task: 'semantic', ...manifest },
    labelsFromFile: labelsOf(classes),
  });
}

/** Runs the head on one output for an original image of `width × height`. */
function run(
  spec: ImageRocketSpec,
  data: OutputView['data'],
  dims: number[],
  original: { width: number; height: number },
  options: Record<string, unknown> = {},
): SemanticFields {
  const head = createHead(spec, referenceKernels);
  return head.postprocess({ output: { data, dims } }, jobFor(spec, original, {}, options)) as SemanticFields;
}

/** Scores where pixel p's class `ids[p]` scores `high` and the others 0, planes or interleaved. */
function oneHot(ids: number[], classes: number, layout: 'nchw' | 'nhwc', high = 3): Float32Array {
  const values = new Float32Array(ids.length * classes);
  ids.forEach((id, p) => {
    values[layout === 'nchw' ? id * ids.length + p : p * classes + id] = high;
  });
  return values;
}

/** A 2×2 output of classes [0, 1 / 2, 2] (row-major), the test map of several cases. */
const IDS_2X2 = [0, 1, 2, 2];

describe('one class per pixel (softmax: the argmax)', () => {
  it('reads NCHW planes, samples each original pixel under the stretch, and counts shares', () => {
    const spec = specOf({ input: [1, 3, 2, 2], output: [1, 5, 2, 2] });
    // A 4×2 original stretched to 2×2: each output pixel covers 2 columns and 1 row.
    const { classes, classMap } = run(spec, oneHot(IDS_2X2, 5, 'nchw'), [1, 5, 2, 2], {
      width: 4,
      height: 2,
    });
    expect(classMap).toMatchObject({ width: 4, height: 2, classes: 5 });
    expect([...classMap.ids]).toEqual([0, 0, 1, 1, 2, 2, 2, 2]);
    expect(classMap.ids).toBeInstanceOf(Uint8Array);
    expect(classes).toEqual([
      { label: 'c2', class: 2, fraction: 0.5 },
      { label: 'c0', class: 0, fraction: 0.25 },
      { label: 'c1', class: 1, fraction: 0.25 },
    ]);
  });

  it('reads NHWC scores (the input is NHWC) to the same answer', () => {
    const spec = specOf({ input: [1, 2, 2, 3], output: [1, 2, 2, 5] });
    expect(spec.preprocess.layout).toBe('nhwc');
    const { classMap } = run(spec, oneHot(IDS_2X2, 5, 'nhwc'), [1, 2, 2, 5], { width: 4, height: 2 });
    expect([...classMap.ids]).toEqual([0, 0, 1, 1, 2, 2, 2, 2]);
  });

  it('gives ties to the first class, and takes logits of any sign', () => {
    const spec = specOf({ input: [1, 3, 1, 2], output: [1, 5, 1, 2] });
    // Pixel 0: classes 1 and 3 tie at −2 (the others −5); pixel 1: class 4 at −0.5.
    const values = new Float32Array(10).fill(-5);
    values[1 * 2 + 0] = -2;
    values[3 * 2 + 0] = -2;
    values[4 * 2 + 1] = -0.5;
    const { classMap } = run(spec, values, [1, 5, 1, 2], { width: 2, height: 1 });
    expect([...classMap.ids]).toEqual([1, 4]);
  });

  it('maps a half-resolution output over the whole canvas', () => {
    const spec = specOf({ input: [1, 3, 4, 4], output: [1, 5, 2, 2] });
    const { classMap, classes } = run(spec, oneHot(IDS_2X2, 5, 'nchw'), [1, 5, 2, 2], {
      width: 4,
      height: 4,
    });
    expect([...classMap.ids]).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(classes.map((c) => c.fraction)).toEqual([0.5, 0.25, 0.25]);
  });

  it('letterbox: the pad has no original pixel, so its class is not counted', () => {
    const spec = specOf({
      input: [1, 3, 4, 4],
      output: [1, 5, 4, 4],
      manifest: { preprocess: { resize: 'letterbox' } },
    });
    // A 4×2 original fills rows 1 and 2 of the 4×4 canvas; rows 0 and 3 are pad (class 4).
    const ids = [4, 4, 4, 4, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4];
    const { classMap, classes } = run(spec, oneHot(ids, 5, 'nchw'), [1, 5, 4, 4], { width: 4, height: 2 });
    expect([...classMap.ids]).toEqual([0, 1, 1, 1, 2, 2, 3, 3]);
    expect(classes.map((c) => [c.class, c.fraction])).toEqual([
      [1, 0.375],
      [2, 0.25],
      [3, 0.25],
      [0, 0.125],
    ]);
  });

  it('resize none (an any-size model): the canvas is the image itself', () => {
    const spec = specOf({
      input: [1, 3, 'h', 'w'],
      output: [1, 5, 'h', 'w'],
      manifest: { preprocess: { resize: 'none' } },
    });
    expect(spec.preprocess).toMatchObject({ resize: 'none', width: 0, height: 0 });
    const ids = [0, 1, 2, 3, 4, 4, 4, 4];
    const job = { ...jobFor(spec, { width: 4, height: 2 }), width: 4, height: 2 };
    const fields = createHead(spec, referenceKernels).postprocess(
      { output: { data: oneHot(ids, 5, 'nchw'), dims: [1, 5, 2, 4] } },
      job,
    ) as SemanticFields;
    expect([...fields.classMap.ids]).toEqual(ids);
  });

  it('lists classes from minFraction up (0.001 by default; 0 lists every class present)', () => {
    const spec = specOf({ input: [1, 3, 40, 50], output: [1, 5, 40, 50] });
    // 2000 pixels: one of class 1 (0.0005), four of class 2 (0.002), the rest class 0.
    const ids = Array.from({ length: 2000 }, (_, p) => (p === 0 ? 1 : p <= 4 ? 2 : 0));
    const shares = (options: Record<string, unknown>) =>
      run(spec, oneHot(ids, 5, 'nchw'), [1, 5, 40, 50], { width: 50, height: 40 }, options).classes.map(
        (c) => [c.class, c.fraction],
      );
    expect(shares({})).toEqual([
      [0, 0.9975],
      [2, 0.002],
    ]);
    expect(shares({ minFraction: 0 })).toEqual([
      [0, 0.9975],
      [2, 0.002],
      [1, 0.0005],
    ]);
    expect(shares({ minFraction: 0.5 })).toEqual([[0, 0.9975]]);
  });

  it('keeps 16-bit ids beyond 255 classes', () => {
    const spec = specOf({ input: [1, 3, 1, 2], output: [1, 300, 1, 2], classes: 300 });
    const { classMap } = run(spec, oneHot([299, 7], 300, 'nchw'), [1, 300, 1, 2], { width: 2, height: 1 });
    expect(classMap.ids).toBeInstanceOf(Uint16Array);
    expect([...classMap.ids]).toEqual([299, 7]);
  });

  it('returns the class map buffer to transfer, owned whole', () => {
    const spec = specOf({ input: [1, 3, 2, 2], output: [1, 5, 2, 2] });
    const head = createHead(spec, referenceKernels);
    const fields = head.postprocess(
      { output: { data: oneHot(IDS_2X2, 5, 'nchw'), dims: [1, 5, 2, 2] } },
      jobFor(spec, { width: 3, height: 3 }),
    ) as SemanticFields;
    const [buffer] = head.transfer?.(fields) ?? [];
    expect(buffer).toBe(fields.classMap.ids.buffer);
    expect(buffer?.byteLength).toBe(9);
  });
});

describe('multi-label (sigmoid)', () => {
  const sigmoidSpec = (format?: 'logit-map') =>
    specOf({
      input: [1, 3, 1, 3],
      output: [1, 5, 1, 3],
      manifest: { output: { activation: 'sigmoid', ...(format ? { format } : {}) } },
    });

  // Three pixels: classes 0 and 1 both (1 higher), class 3 alone, nothing above 0.5.
  const planes = [
    [0.9, 0.1, 0.2],
    [0.95, 0.4, 0.5],
    [0.1, 0.1, 0.1],
    [0.2, 0.8, 0.3],
    [0, 0, 0],
  ];

  it('gives each class its own mask, so shares overlap; the map shows the highest, else 255', () => {
    const spec = sigmoidSpec();
    expect(spec.outputFormat).toBe('probability-map');
    const { classes, classMap } = run(spec, Float32Array.from(planes.flat()), [1, 5, 1, 3], {
      width: 3,
      height: 1,
    });
    const third = Number((1 / 3).toPrecision(4));
    expect(classes.map((c) => [c.class, c.fraction])).toEqual([
      [0, third],
      [1, third],
      [3, third],
    ]);
    expect([...classMap.ids]).toEqual([1, 3, 255]);
  });

  it('reads logits at 0 (probability 0.5) with output.format logit-map', () => {
    const spec = sigmoidSpec('logit-map');
    const logits = planes.flat().map((p) => Math.log(p / (1 - p)));
    const { classMap, classes } = run(spec, Float32Array.from(logits), [1, 5, 1, 3], { width: 3, height: 1 });
    expect([...classMap.ids]).toEqual([1, 3, 255]);
    expect(classes.map((c) => c.class)).toEqual([0, 1, 3]);
  });
});

describe('class maps the model argmaxed (task: semantic)', () => {
  it.each([
    ['int64', 7, BigInt64Array.from([0n, 3n, 3n, 20n])],
    ['int32', 6, Int32Array.from([0, 3, 3, 20])],
    ['float32', 1, Float32Array.from([0, 3, 3, 20])],
  ])('reads %s ids [1, H, W]', (_, elemType, data) => {
    const spec = specOf({ input: [1, 3, 2, 2], output: [1, 2, 2], elemType, classes: 21 });
    expect(spec.outputFormat).toBe('class-map');
    const { classMap, classes } = run(spec, data, [1, 2, 2], { width: 2, height: 2 });
    expect([...classMap.ids]).toEqual([0, 3, 3, 20]);
    expect(classes.map((c) => c.label)).toEqual(['c3', 'c0', 'c20']);
  });
});

describe('OUTPUT_INVALID: values that cannot be right', () => {
  const invalid = (spec: ImageRocketSpec, data: OutputView['data'], dims: number[]) => {
    const err = thrown(() => run(spec, data, dims, { width: 2, height: 2 }));
    expect(err.code).toBe('OUTPUT_INVALID');
    return err.message;
  };
  const scores = (manifest: Rocket['manifest'] = {}) =>
    specOf({ input: [1, 3, 1, 2], output: [1, 5, 1, 2], manifest });

  it('a NaN score', () => {
    const values = new Float32Array(10);
    values[7] = Number.NaN;
    expect(invalid(scores(), values, [1, 5, 1, 2])).toContain('a score of NaN for class 3');
  });

  it('a probability above 1 (probability-map), or below 0 (sigmoid)', () => {
    const spec = scores({ output: { format: 'probability-map' } });
    expect(invalid(spec, new Float32Array(10).fill(1.5), [1, 5, 1, 2])).toContain('a probability of 1.5');
    const sigmoid = scores({ output: { activation: 'sigmoid' } });
    expect(invalid(sigmoid, new Float32Array(10).fill(-0.25), [1, 5, 1, 2])).toContain(
      'a probability of -0.25',
    );
  });

  it('a class id beyond the labels, negative, or not whole', () => {
    const spec = specOf({ input: [1, 3, 1, 2], output: [1, 1, 2], elemType: 7, classes: 21 });
    expect(invalid(spec, BigInt64Array.from([0n, 21n]), [1, 1, 2])).toContain('class 21 of a 21-label model');
    expect(invalid(spec, BigInt64Array.from([-1n, 0n]), [1, 1, 2])).toContain('class -1');
    const floats = specOf({ input: [1, 3, 1, 2], output: [1, 1, 2], classes: 21 });
    expect(invalid(floats, Float32Array.from([2.5, 0]), [1, 1, 2])).toContain('a class id of 2.5');
  });

  it('a symbolic output that comes back with another class count', () => {
    const spec = specOf({ input: [1, 3, 1, 2], output: [1, 'C', 1, 2] });
    expect(invalid(spec, new Float32Array(12), [1, 6, 1, 2])).toMatch(/not a map of 5 channel/);
  });
});
