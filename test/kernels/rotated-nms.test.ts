import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type NmsOptions } from '../../src/kernels/index.js';
import { boxCovariance, probiou } from '../../src/kernels/probiou.js';
import { keptBy, message } from '../helpers/kernels.js';

type Box = [number, number, number, number, number]; // cx, cy, w, h, angle (radians)

const QUARTER = Math.PI / 2;

/** probiou of two boxes, as the reference computes it (from float32 boxes). */
function pair(a: Box, b: Box): number {
  const [px = 0, py = 0, pw = 0, ph = 0, pa = 0] = Float32Array.from(a);
  const [qx = 0, qy = 0, qw = 0, qh = 0, qa = 0] = Float32Array.from(b);
  return probiou(px, py, ...boxCovariance(pw, ph, pa), qx, qy, ...boxCovariance(qw, qh, qa));
}

/** 1 − √(1 − e^−bd + eps): probiou at Bhattacharyya distance bd. */
const fromDistance = (bd: number) => 1 - Math.sqrt(1 - Math.exp(-bd) + 1e-7);
/** Equal Gaussians: bd clamped to eps, so 1 − √(1 − e^−eps + eps) ≈ 1 − √2e-7, not quite 1. */
const SAME = fromDistance(1e-7);

describe('probiou', () => {
  it('is about 1 for the same box', () => {
    expect(pair([10, 10, 4, 2, 0.3], [10, 10, 4, 2, 0.3])).toBeCloseTo(SAME, 12);
  });

  it('is about 0 for far boxes', () => {
    expect(Math.abs(pair([10, 10, 4, 2, 0.3], [300, 10, 4, 2, 0.3]))).toBeLessThan(1e-7);
  });

  it('gives a square the same Gaussian at every angle (45° against its axis-aligned twin)', () => {
    // The polygon IoU of these two is 0.71; their Gaussians are both isotropic and equal.
    expect(pair([10, 10, 4, 4, Math.PI / 4], [10, 10, 4, 4, 0])).toBeCloseTo(SAME, 12);
  });

  it('gives w × h at θ and h × w at θ + 90° the same Gaussian', () => {
    const same = pair([10, 10, 6, 2, 0.2], [10, 10, 2, 6, 0.2 + QUARTER]);
    expect(same).toBeCloseTo(SAME, 12);
    expect(pair([10, 10, 6, 2, QUARTER - 0.01], [10, 10, 2, 6, -0.01])).toBeCloseTo(same, 6);
  });

  it('matches hand-worked distances', () => {
    // Equal 4 × 2 boxes one width apart along x: bd = dx² / (4 (a + a)) = 16 / (4 · 8/3) = 1.5.
    expect(pair([0, 0, 4, 2, 0], [4, 0, 4, 2, 0])).toBeCloseTo(fromDistance(1.5), 7);
    // A 4 × 2 box crossed with itself at 90°: bd = ln((a + b) / (2 √(ab))) with a = 4/3, b = 1/3,
    // ln(1.25), so e^−bd = 0.8 and probiou = 1 − √0.2.
    expect(pair([0, 0, 4, 2, 0], [0, 0, 4, 2, QUARTER])).toBeCloseTo(1 - Math.sqrt(0.2), 6);
  });

  it('is symmetric', () => {
    const [a, b]: Box[] = [
      [3, 4, 10, 3, 0.4],
      [5, 2, 6, 5, -1.1],
    ];
    expect(pair(a, b)).toBe(pair(b, a));
  });
});

describe.each(['reference', 'native'] as const)('%s nmsRotated', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('suppresses a 45° square with its axis-aligned twin, and keeps far boxes', () => {
    const boxes: Box[] = [
      [10, 10, 4, 4, Math.PI / 4],
      [10, 10, 4, 4, 0],
      [200, 10, 4, 4, 0],
    ];
    expect(keptBy(k, 'nmsRotated', boxes, [0.9, 0.8, 0.7], [0, 0, 0], { iouThreshold: 0.99 })).toEqual([
      0, 2,
    ]);
  });

  it('suppresses a box given as h × w at θ + 90°', () => {
    const boxes: Box[] = [
      [10, 10, 6, 2, QUARTER - 0.01],
      [10, 10, 2, 6, -0.01],
    ];
    expect(keptBy(k, 'nmsRotated', boxes, [0.8, 0.9], [0, 0], { iouThreshold: 0.9 })).toEqual([1]);
  });

  it('merges or keeps overlapping rotated boxes by the threshold (strictly above suppresses)', () => {
    const crossed: Box[] = [
      [0, 0, 4, 2, 0],
      [0, 0, 4, 2, QUARTER],
    ]; // probiou 1 − √0.2 ≈ 0.553
    expect(keptBy(k, 'nmsRotated', crossed, [0.9, 0.8], [0, 0], { iouThreshold: 0.55 })).toEqual([0]);
    expect(keptBy(k, 'nmsRotated', crossed, [0.9, 0.8], [0, 0], { iouThreshold: 0.56 })).toEqual([0, 1]);
    const beside: Box[] = [
      [0, 0, 4, 2, 0],
      [4, 0, 4, 2, 0],
    ]; // probiou ≈ 0.1186
    expect(keptBy(k, 'nmsRotated', beside, [0.9, 0.8], [0, 0], { iouThreshold: 0.11 })).toEqual([0]);
    expect(keptBy(k, 'nmsRotated', beside, [0.9, 0.8], [0, 0], { iouThreshold: 0.12 })).toEqual([0, 1]);
  });

  it('is greedy: a suppressed box suppresses nothing', () => {
    // Neighbours 4 apart overlap by 0.1186, boxes 8 apart by about 0.001.
    const chain: Box[] = [
      [0, 0, 4, 2, 0],
      [4, 0, 4, 2, 0],
      [8, 0, 4, 2, 0],
    ];
    expect(keptBy(k, 'nmsRotated', chain, [0.9, 0.8, 0.7], [0, 0, 0], { iouThreshold: 0.1 })).toEqual([0, 2]);
  });

  it('suppresses within a class when class-aware, across classes when agnostic', () => {
    const boxes: Box[] = [
      [10, 10, 6, 3, 0.5],
      [10, 10, 6, 3, 0.55],
      [10, 10, 6, 3, 0.6],
    ];
    expect(keptBy(k, 'nmsRotated', boxes, [0.9, 0.8, 0.7], [0, 1, 0])).toEqual([0, 1]);
    expect(keptBy(k, 'nmsRotated', boxes, [0.9, 0.8, 0.7], [0, 1, 0], { classAware: false })).toEqual([0]);
  });

  it('orders by score (NaN lowest), then index; stops at maxDetections; honours count', () => {
    const far = (x: number): Box => [x, 0, 2, 2, 0];
    const boxes = [far(0), far(100), far(200), far(300)];
    expect(keptBy(k, 'nmsRotated', boxes, [0.5, Number.NaN, 0.5, 0.9], [0, 0, 0, 0])).toEqual([3, 0, 2, 1]);
    expect(keptBy(k, 'nmsRotated', boxes, [0.1, 0.2, 0.3, 0.4], [0, 0, 0, 0], { maxDetections: 2 })).toEqual([
      3, 2,
    ]);
    expect(keptBy(k, 'nmsRotated', boxes, [0.1, 0.2, 0.3, 0.4], [0, 0, 0, 0], { count: 2 })).toEqual([1, 0]);
    expect(keptBy(k, 'nmsRotated', [], [], [])).toEqual([]);
  });

  it('never suppresses with a NaN overlap', () => {
    const boxes: Box[] = [
      [10, 10, 4, 2, Number.NaN],
      [10, 10, 4, 2, 0],
    ];
    expect(keptBy(k, 'nmsRotated', boxes, [0.9, 0.8], [0, 0], { iouThreshold: 0 })).toEqual([0, 1]);
  });

  it('validates lengths and options', () => {
    const s = new Float32Array(2);
    const c = new Int32Array(2);
    const o: NmsOptions = { count: 2, iouThreshold: 0.5, maxDetections: 2, classAware: true };
    expect(message(() => k.nmsRotated(new Float32Array(8), s, c, o, new Int32Array(2)))).toBe(
      'RangeError: Expected at least 10 floats (5 * count) for boxes.length but received 8',
    );
    expect(message(() => k.nmsRotated(new Float32Array(10), s, c, o, new Int32Array(1)))).toBe(
      'RangeError: Expected at least 2 entries (min(count, maxDetections)) for outIndices.length but received 1',
    );
    expect(
      message(() => k.nmsRotated(new Float32Array(10), s, c, { ...o, iouThreshold: Number.NaN }, c)),
    ).toBe('RangeError: Expected a number for options.iouThreshold but received null');
    expect(message(() => k.nmsRotated([] as never, s, c, o, c))).toBe(
      'TypeError: Expected a Float32Array for boxes but received "[object Array]"',
    );
  });
});
