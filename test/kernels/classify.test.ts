import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels } from '../../src/kernels/index.js';

function topK(k: Kernels, values: number[], n: number, capacity = n): number[] {
  const out = new Int32Array(capacity);
  const count = k.topK(Float32Array.from(values), n, out);
  return Array.from(out.subarray(0, count));
}

describe.each(['reference', 'native'] as const)('%s softmax', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('sums to 1 and preserves order', () => {
    const dst = new Float32Array(4);
    k.softmax(Float32Array.from([1, 2, 3, 4]), dst);
    expect(dst.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Array.from(dst)).toEqual([...dst].sort((a, b) => a - b));
    expect(dst[3]).toBeCloseTo(Math.exp(4) / (Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4)), 6);
  });

  it('does not overflow on large logits and works in place', () => {
    const x = Float32Array.from([1000, 1001]);
    k.softmax(x, x);
    expect(x[0]).toBeCloseTo(1 / (1 + Math.E), 6);
    expect(x[1]).toBeCloseTo(Math.E / (1 + Math.E), 6);
    const big = Float32Array.from([-1e30, 0, 3e38]);
    k.softmax(big, big);
    expect(Array.from(big)).toEqual([0, 0, 1]);
  });

  it('gives a uniform distribution for equal logits and accepts empty input', () => {
    const dst = new Float32Array(4);
    k.softmax(Float32Array.from([7, 7, 7, 7]), dst);
    expect(Array.from(dst)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(() => k.softmax(new Float32Array(0), new Float32Array(0))).not.toThrow();
  });

  it('validates its arguments', () => {
    expect(() => k.softmax(new Float32Array(3), new Float32Array(2))).toThrowError(
      new RangeError('Expected 3 floats (src.length) for dst.length but received 2'),
    );
    expect(() => k.softmax([1, 2] as never, new Float32Array(2))).toThrowError(
      new TypeError('Expected a Float32Array for src but received "[object Array]"'),
    );
  });
});

describe.each(['reference', 'native'] as const)('%s topK', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('orders by value descending, then index ascending', () => {
    expect(topK(k, [0.1, 0.5, 0.3, 0.5, 0.9], 3)).toEqual([4, 1, 3]);
    expect(topK(k, [2, 2, 2], 2)).toEqual([0, 1]);
    expect(topK(k, [-1, Number.NaN, -Infinity, 0], 4)).toEqual([3, 0, 1, 2]);
  });

  it('returns min(k, length) indices', () => {
    expect(topK(k, [3, 1, 2], 5)).toEqual([0, 2, 1]);
    expect(topK(k, [3, 1, 2], 0)).toEqual([]);
    expect(topK(k, [], 3)).toEqual([]);
  });

  it('validates k and the output capacity', () => {
    expect(() => topK(k, [1, 2], -1, 2)).toThrowError(
      new RangeError('Expected a non-negative integer for k but received -1'),
    );
    expect(() => topK(k, [1, 2], 1.5, 2)).toThrowError(
      new RangeError('Expected a non-negative integer for k but received 1.5'),
    );
    expect(() => topK(k, [1, 2, 3], 3, 2)).toThrowError(
      new RangeError(
        'Expected at least 3 entries (min(k, values.length)) for outIndices.length but received 2',
      ),
    );
    expect(() => k.topK(new Float32Array(2), 1, new Float32Array(1) as never)).toThrowError(
      new TypeError('Expected an Int32Array for outIndices but received "[object Float32Array]"'),
    );
  });
});
