/**
 * What the kernel tests share: candidate buffers and their kept part, the thrown message, the
 * comparisons of the parity tests (bit-identical, or within a tolerance where exp() is involved) and
 * the random values they are fed.
 */
import { expect } from 'vitest';
import type { Candidates, Kernels, NmsOptions } from '../../src/kernels/index.js';
import type { createRandom } from './random.js';

export type Random = ReturnType<typeof createRandom>;

/** Boundary sizes: small ones and each side of the powers of two up to 64. */
export const SIZES = [1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65];

/** The error `run` throws, as "<name>: <message>", or "no error". */
export function message(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  return 'no error';
}

/** Room for `n` candidates with `numKeypoints` landmarks each, every element `fill`. */
export function candidates(n: number, numKeypoints = 0, fill = -7): Required<Candidates> {
  return {
    boxes: new Float32Array(4 * n).fill(fill),
    scores: new Float32Array(n).fill(fill),
    classes: new Int32Array(n).fill(fill),
    keypoints: new Float32Array(2 * numKeypoints * n).fill(fill),
    extras: new Float32Array(0),
  };
}

/** Two {@link candidates} buffers, pre-filled alike so that unwritten tails must match too. */
export function buffers(n: number, numKeypoints = 0): [Required<Candidates>, Required<Candidates>] {
  return [candidates(n, numKeypoints), candidates(n, numKeypoints)];
}

/** Candidates as plain arrays, for toEqual. */
export interface Decoded {
  boxes: number[];
  scores: number[];
  classes: number[];
}

/** The first `kept` candidates of `out` as plain arrays; keypoints only when numKeypoints is given. */
export function decoded(out: Candidates, kept: number): Decoded;
export function decoded(
  out: Candidates,
  kept: number,
  numKeypoints: number,
): Decoded & { keypoints: number[] };
export function decoded(out: Candidates, kept: number, numKeypoints?: number) {
  const first: Decoded = {
    boxes: Array.from(out.boxes.subarray(0, 4 * kept)),
    scores: Array.from(out.scores.subarray(0, kept)),
    classes: Array.from(out.classes.subarray(0, kept)),
  };
  if (numKeypoints === undefined) return first;
  const keypoints = out.keypoints?.subarray(0, 2 * numKeypoints * kept) ?? [];
  return { ...first, keypoints: Array.from(keypoints) };
}

/** |a − e| ≤ atol + rtol·|e|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Enough for float32 results of float64 arithmetic, softmax included. */
export const CLOSE: Tolerance = { atol: 1e-6, rtol: 1e-5 };
/**
 * One float32 ulp (2⁻²³ relative, or 1e-9 near 0): Math.exp and std::exp may differ in their last
 * bit, which can move a value rounded to float32 by one ulp.
 */
export const ONE_ULP: Tolerance = { atol: 1e-9, rtol: 2 ** -23 };

/** Asserts closeness element-wise (NaN equals NaN), reporting the first mismatch. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  { atol, rtol }: Tolerance = CLOSE,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i] as number, expected[i] as number];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect(a, `${label}: element ${i}`).toBe(e);
  }
}

/** The bits of each element (a NaN's payload included, which reading it as a number would lose). */
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Asserts bitwise equality (NaN payloads included), reporting the first differing element. */
export function expectIdentical(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const [a, e] = [bits(actual), bits(expected)];
  const i = a.findIndex((v, j) => v !== e[j]);
  if (i < 0) return;
  expect(actual[i], `${label}: element ${i}`).toBe(expected[i]);
  expect.fail(`${label}: element ${i} differs in its NaN bits`);
}

/**
 * Asserts that two decoders wrote the same candidates: classes equal, boxes, scores and keypoints
 * bit-identical, except those given a tolerance in `close` (values that went through exp()).
 */
export function expectSameCandidates(
  actual: Candidates,
  expected: Candidates,
  label: string,
  close: Partial<Record<'boxes' | 'scores' | 'keypoints', Tolerance>> = {},
): void {
  expect(Array.from(actual.classes), `${label}: classes`).toEqual(Array.from(expected.classes));
  for (const name of ['boxes', 'scores', 'keypoints'] as const) {
    const [a, e] = [actual[name] ?? new Float32Array(0), expected[name] ?? new Float32Array(0)];
    const tolerance = close[name];
    if (tolerance === undefined) expectIdentical(a, e, `${label}: ${name}`);
    else expectClose(a, e, `${label}: ${name}`, tolerance);
  }
}

/** A confidence in [lo, hi): coarse (ties and exact threshold hits likely) or uniform, 1 % NaN. */
export function score(r: Random, coarse: boolean, lo = 0, hi = 1): number {
  if (r.next() < 0.01) return Number.NaN;
  return coarse ? lo + (r.int(0, 8) / 8) * (hi - lo) : r.float(lo, hi);
}

/** `n` {@link score}s, coarse or not (one draw for the whole array). */
export function scores(r: Random, n: number, lo = 0, hi = 1): Float32Array {
  const coarse = r.next() < 0.5;
  return Float32Array.from({ length: n }, () => score(r, coarse, lo, hi));
}

/** Two {@link candidates} buffers with room for `numExtras` extras per candidate, pre-filled alike. */
export function extrasBuffers(n: number, numExtras: number): [Required<Candidates>, Required<Candidates>] {
  const make = () => ({ ...candidates(n), extras: new Float32Array(numExtras * n).fill(-7) });
  return [make(), make()];
}

/**
 * The indices an NMS kernel keeps of boxes given as plain arrays (`nms`: 4 floats per box,
 * `nmsRotated`: 5), by default at IoU 0.5, 100 detections, class-aware.
 */
export function keptBy(
  k: Kernels,
  kernel: 'nms' | 'nmsRotated',
  boxes: readonly (readonly number[])[],
  scores: number[],
  classes: number[],
  o: Partial<NmsOptions> = {},
): number[] {
  const options = { count: scores.length, iouThreshold: 0.5, maxDetections: 100, classAware: true, ...o };
  const out = new Int32Array(scores.length);
  const n = k[kernel](
    Float32Array.from(boxes.flat()),
    Float32Array.from(scores),
    Int32Array.from(classes),
    options,
    out,
  );
  return Array.from(out.subarray(0, n));
}
