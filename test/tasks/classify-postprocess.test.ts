// The classify family's worker side, without a worker: one row of scores through head.postprocess,
// read as logits, probabilities or auto, for both kernel implementations.
import { beforeAll, describe, expect, it } from 'vitest';
import { type KernelKind, type Kernels, loadKernels } from '../../src/kernels/index.js';
import type { Thresholds } from '../../src/rocket/types.js';
import { createHead } from '../../src/tasks/classify/head.js';
import { isDistribution } from '../../src/tasks/classify/postprocess.js';
import type { Prediction } from '../../src/tasks/classify/schema.js';
import type { OutputView } from '../../src/tasks/types.js';
import { thrown } from '../helpers/errors.js';
import { imageSpec, jobFor, signature } from './helpers.js';

const KINDS: KernelKind[] = ['reference', 'native'];
const LABELS = ['tench', 'goldfish', 'shark', 'hen', 'ostrich'];

/** A 5-class classifier read as `format` (the default, auto, when undefined). */
const specOf = (format?: 'logits' | 'probabilities' | 'auto') =>
  imageSpec(signature([['data', [1, 3, 224, 224]]], [['prob', [1, 5]]]), {
    labelsFromFile: LABELS,
    ...(format ? { manifest: { model: 'm.onnx', output: { format } } } : {}),
  });

const row = (values: number[]): Record<string, OutputView> => ({
  prob: { data: Float32Array.from(values), dims: [1, values.length] },
});

const softmax = (values: number[]) => {
  const m = Math.max(...values);
  const e = values.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

describe.each(KINDS)('classify head with %s kernels', (kind) => {
  let kernels: Kernels;
  beforeAll(() => {
    kernels = loadKernels(kind);
  });

  const predict = (
    format: 'logits' | 'probabilities' | 'auto' | undefined,
    values: number[],
    thresholds: Partial<Thresholds> = {},
  ) => {
    const spec = specOf(format);
    const head = createHead(spec, kernels);
    return head.postprocess(row(values), jobFor(spec, { width: 500, height: 375 }, thresholds))
      .predictions as Prediction[];
  };

  it('reads the format from the manifest, auto by default', () => {
    expect(specOf().outputFormat).toBe('auto');
    expect(specOf('logits').outputFormat).toBe('logits');
    expect(specOf('probabilities').outputFormat).toBe('probabilities');
  });

  it('logits: softmax, then the top-k with labels, best first', () => {
    const logits = [1, 2, 3, 0, -1];
    const p = softmax(logits);
    const predictions = predict('logits', logits, { topk: 3, confidence: 0 });
    expect(predictions.map((x) => [x.label, x.class])).toEqual([
      ['shark', 2],
      ['goldfish', 1],
      ['tench', 0],
    ]);
    predictions.forEach((x) => {
      expect(x.confidence).toBeCloseTo(p[x.class] as number, 4);
    });
  });

  it('logits: a row that already sums to 1 still gets a softmax', () => {
    const values = [0.1, 0.2, 0.7, 0, 0];
    const [top] = predict('logits', values, { topk: 1 });
    expect(top?.class).toBe(2);
    expect(top?.confidence).toBeCloseTo(softmax(values)[2] as number, 4);
    expect(top?.confidence).not.toBeCloseTo(0.7, 2);
  });

  it('probabilities: used as they are', () => {
    const predictions = predict('probabilities', [0.1, 0.2, 0.6, 0.05, 0.05], { topk: 2, confidence: 0 });
    expect(predictions).toEqual([
      { label: 'shark', class: 2, confidence: 0.6 },
      { label: 'goldfish', class: 1, confidence: 0.2 },
    ]);
  });

  it('auto: a distribution is used as it is, any other row gets a softmax', () => {
    expect(predict('auto', [0.1, 0.2, 0.6, 0.05, 0.05], { topk: 1 })[0]?.confidence).toBe(0.6);
    const logits = [0.5, 4, 1, -2, 0];
    expect(predict('auto', logits, { topk: 1 })[0]?.confidence).toBeCloseTo(softmax(logits)[1] as number, 4);
    // In [0, 1] but not summing to 1 (sigmoid outputs): softmaxed.
    const sigmoid = [0.9, 0.8, 0.1, 0.1, 0.1];
    expect(predict(undefined, sigmoid, { topk: 1 })[0]?.confidence).toBeCloseTo(
      softmax(sigmoid)[0] as number,
      4,
    );
  });

  it('top-k: k predictions, at most the number of classes', () => {
    const values = [0.1, 0.2, 0.4, 0.2, 0.1];
    expect(predict('probabilities', values, { topk: 1, confidence: 0 })).toHaveLength(1);
    expect(predict('probabilities', values, { topk: 5, confidence: 0 })).toHaveLength(5);
    const all = predict('probabilities', values, { topk: 20, confidence: 0 });
    expect(all.map((x) => x.class)).toEqual([2, 1, 3, 0, 4]); // ties: lowest index first
  });

  it('confidence threshold: drops predictions below it, but always keeps the top-1', () => {
    const values = [0.1, 0.2, 0.4, 0.2, 0.1];
    expect(predict('probabilities', values, { topk: 5, confidence: 0.15 }).map((x) => x.class)).toEqual([
      2, 1, 3,
    ]);
    expect(predict('probabilities', values, { topk: 5, confidence: 0.9 })).toEqual([
      { label: 'shark', class: 2, confidence: 0.4 },
    ]);
  });

  it('labels a class beyond the labels by its index', () => {
    const spec = imageSpec(signature([['data', [1, 3, 224, 224]]], [['prob', [1, 7]]]), {
      labelsFromFile: LABELS,
      manifest: { model: 'm.onnx', output: { format: 'probabilities' } },
    });
    const head = createHead(spec, kernels);
    const [top] = head.postprocess(
      { prob: { data: Float32Array.from([0, 0, 0, 0, 0, 0, 1]), dims: [1, 7] } },
      jobFor(spec, { width: 10, height: 10 }, { topk: 1 }),
    ).predictions as Prediction[];
    expect(top).toEqual({ label: '6', class: 6, confidence: 1 });
  });

  it('OUTPUT_INVALID for a probabilities row holding 1.7, naming the fix', () => {
    const spec = specOf('probabilities');
    const head = createHead(spec, kernels);
    const err = thrown(() =>
      head.postprocess(row([0.1, 1.7, 0.2, 0, 0]), jobFor(spec, { width: 10, height: 10 })),
    );
    expect(err.code).toBe('OUTPUT_INVALID');
    expect(err.message).toMatch(/probability of 1\.(7|6999)/);
    expect(err.message).toContain('class 1');
    expect(err.message).toContain('read as probabilities');
    expect(err.message).toContain('prob');
    expect(err.message).toContain('output.format');
    expect(err.message).toContain('logits');
  });

  it('OUTPUT_INVALID for a negative probability among the top-k', () => {
    const spec = specOf('probabilities');
    const head = createHead(spec, kernels);
    const err = thrown(() =>
      head.postprocess(
        row([0.5, 0.4, -0.3, 0.2, 0.2]),
        jobFor(spec, { width: 10, height: 10 }, { topk: 5, confidence: 0 }),
      ),
    );
    expect(err.code).toBe('OUTPUT_INVALID');
  });

  it('does not change the output row it reads', () => {
    const spec = specOf('logits');
    const head = createHead(spec, kernels);
    const outputs = row([1, 2, 3, 4, 5]);
    head.postprocess(outputs, jobFor(spec, { width: 10, height: 10 }));
    expect(Array.from(outputs.prob?.data as Float32Array)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('isDistribution', () => {
  it('is true for values in [0, 1] summing to 1 within 1e-3', () => {
    expect(isDistribution([0.25, 0.25, 0.5])).toBe(true);
    expect(isDistribution([0.3333, 0.3333, 0.3333])).toBe(true);
    expect(isDistribution([0.5, 0.4])).toBe(false);
    expect(isDistribution([1.5, -0.5])).toBe(false);
    expect(isDistribution([])).toBe(false);
  });
});
