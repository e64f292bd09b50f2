// resizeLinear, both implementations: OpenCV's INTER_LINEAR on hand-worked cases, the crop
// window, argument checks; and the native addon against the reference on seeded random images.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type ResizeOptions } from '../../src/kernels/index.js';
import { SIZES } from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';

/** The options that resize `srcWidth × srcHeight` to `dstWidth × dstHeight`, all of it written. */
function whole(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number, channels = 1) {
  return {
    srcWidth,
    srcHeight,
    channels,
    dstWidth,
    dstHeight,
    cropLeft: 0,
    cropTop: 0,
    cropWidth: dstWidth,
    cropHeight: dstHeight,
  };
}

/** Runs resizeLinear into a fresh buffer sized from the options; returns it as plain numbers. */
function run(k: Kernels, src: number[], o: ResizeOptions): number[] {
  const dst = new Uint8Array(o.cropWidth * o.cropHeight * o.channels);
  k.resizeLinear(Uint8Array.from(src), dst, o);
  return Array.from(dst);
}

describe.each(['reference', 'native'] as const)('%s resizeLinear', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('leaves an image of the same size as it is', () => {
    const src = [0, 1, 2, 127, 128, 200, 254, 255, 9, 10, 11, 12];
    expect(run(k, src, whole(2, 2, 2, 2, 3))).toEqual(src);
  });

  it('interpolates between pixel centres and holds the edge pixels', () => {
    // 2 → 4 columns: centres at −0.25 (the first pixel), 0.25, 0.75 and 1.25 (the last pixel).
    expect(run(k, [0, 100], whole(2, 1, 4, 1))).toEqual([0, 25, 75, 100]);
    // The same down the rows, per channel.
    expect(run(k, [0, 200, 100, 0], whole(1, 2, 1, 4, 2))).toEqual([0, 200, 25, 150, 75, 50, 100, 0]);
  });

  it("truncates as OpenCV's vectorised path does, where rounding would give one level more", () => {
    // 5 → 3 rows: the first centre is at 1/3, weights 1365 and 683 of 2048. 3 × 2/3 + 2 × 1/3 =
    // 2.67, but each row's product is truncated on its own (7.998 → 7, 2.668 → 2), and
    // (7 + 2 + 2) >> 2 writes 2 where OpenCV's scalar rounding writes 3.
    expect(run(k, [3, 2, 0, 0, 0], whole(1, 5, 1, 3))).toEqual([2, 0, 0]);
  });

  it('averages 2 × 2 blocks when both sides halve exactly', () => {
    const src = [10, 11, 0, 0, 12, 13, 1, 2];
    expect(run(k, src, whole(4, 2, 2, 1))).toEqual([12, 1]);
  });

  it('writes only the crop window, equal to that part of the whole resize', () => {
    const r = createRandom(5);
    const src = Array.from(r.bytes(9 * 7 * 3));
    const all = run(k, src, whole(9, 7, 6, 5, 3));
    const window = { ...whole(9, 7, 6, 5, 3), cropLeft: 1, cropTop: 2, cropWidth: 4, cropHeight: 3 };
    const part = run(k, src, window);
    const expected = [2, 3, 4].flatMap((y) => all.slice((y * 6 + 1) * 3, (y * 6 + 5) * 3));
    expect(part).toEqual(expected);
  });

  const rangeErrors: [string, Partial<ResizeOptions>, string][] = [
    ['a zero width', { srcWidth: 0 }, 'Expected a positive integer for options.srcWidth but received 0'],
    [
      'a fractional size',
      { dstHeight: 1.5 },
      'Expected a positive integer for options.dstHeight but received 1.5',
    ],
    [
      'a negative crop',
      { cropTop: -1 },
      'Expected a non-negative integer for options.cropTop but received -1',
    ],
    [
      'a window past the right edge',
      { cropLeft: 1 },
      'Expected at most 4 (dstWidth) for options.cropLeft + options.cropWidth but received 5',
    ],
    [
      'a window past the bottom',
      { cropTop: 2 },
      'Expected at most 3 (dstHeight) for options.cropTop + options.cropHeight but received 5',
    ],
  ];
  it.each(rangeErrors)('rejects %s with a RangeError', (_, over, message) => {
    const o = { ...whole(2, 2, 4, 3), ...over };
    expect(() => k.resizeLinear(new Uint8Array(4), new Uint8Array(12), o)).toThrowError(
      new RangeError(message),
    );
  });

  it('rejects wrong lengths and types', () => {
    const o = whole(2, 2, 4, 3);
    expect(() => k.resizeLinear(new Uint8Array(3), new Uint8Array(12), o)).toThrowError(
      new RangeError('Expected 4 bytes (srcWidth * srcHeight * channels) for src.length but received 3'),
    );
    expect(() => k.resizeLinear(new Uint8Array(4), new Uint8Array(11), o)).toThrowError(
      new RangeError('Expected 12 bytes (cropWidth * cropHeight * channels) for dst.length but received 11'),
    );
    expect(() => k.resizeLinear(new Uint8Array(4), new Float32Array(12) as never, o)).toThrowError(
      new TypeError('Expected a Uint8Array for dst but received "[object Float32Array]"'),
    );
    expect(() => k.resizeLinear(new Uint8Array(4), new Uint8Array(12), null as never)).toThrowError(
      new TypeError('Expected an object for options but received null'),
    );
  });
});

/** Fails at the first byte where `actual` differs from `expected`. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const i = actual.findIndex((v, j) => v !== expected[j]);
  if (i >= 0) expect(actual[i], `${label}: byte ${i}`).toBe(expected[i]);
}

describe('native resizeLinear agrees with the reference', () => {
  let native: Kernels;
  const ref = loadKernels('reference');
  beforeAll(() => {
    native = loadKernels('native');
  });

  it.each(SIZES)('from width %i, down and up, every channel count, with and without a window', (width) => {
    const r = createRandom(width + 1000);
    for (let trial = 0; trial < 6; trial++) {
      const channels = r.int(1, 4);
      const height = r.pick(SIZES);
      const [dstWidth, dstHeight] = [r.pick(SIZES), r.pick([...SIZES, 2 * height])];
      const cropWidth = r.int(1, dstWidth);
      const cropHeight = r.int(1, dstHeight);
      const o: ResizeOptions = {
        ...whole(width, height, dstWidth, dstHeight, channels),
        ...(r.next() < 0.5
          ? {}
          : {
              cropLeft: r.int(0, dstWidth - cropWidth),
              cropTop: r.int(0, dstHeight - cropHeight),
              cropWidth,
              cropHeight,
            }),
      };
      const src = r.bytes(width * height * channels);
      const [a, b] = [
        new Uint8Array(o.cropWidth * o.cropHeight * channels),
        new Uint8Array(o.cropWidth * o.cropHeight * channels),
      ];
      ref.resizeLinear(src, a, o);
      native.resizeLinear(src, b, o);
      expectSameBytes(b, a, JSON.stringify(o));
    }
  });

  it('on a photo-sized letterbox (810 × 1080 → 480 × 640) and an exact halving', () => {
    const r = createRandom(810);
    for (const [w, h, dw, dh] of [
      [810, 1080, 480, 640],
      [1280, 720, 640, 360],
    ] as const) {
      const src = r.bytes(w * h * 3);
      const [a, b] = [new Uint8Array(dw * dh * 3), new Uint8Array(dw * dh * 3)];
      ref.resizeLinear(src, a, whole(w, h, dw, dh, 3));
      native.resizeLinear(src, b, whole(w, h, dw, dh, 3));
      expectSameBytes(b, a, `${w}x${h}`);
    }
  });
});
