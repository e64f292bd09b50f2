import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type NormalizeOptions } from '../../src/kernels/index.js';

const base: NormalizeOptions = {
  srcWidth: 2,
  srcHeight: 1,
  srcChannels: 3,
  dstWidth: 4,
  dstHeight: 3,
  offsetX: 1,
  offsetY: 1,
  channelOrder: 'rgb',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  padValue: 114,
};

/** Runs normalizeToChw into a fresh canvas sized from the options; returns it as plain numbers. */
function run(k: Kernels, src: number[], over: Partial<NormalizeOptions> = {}): number[] {
  const o = { ...base, ...over };
  const dst = new Float32Array((o.channelOrder === 'gray' ? 1 : 3) * o.dstWidth * o.dstHeight);
  k.normalizeToChw(Uint8Array.from(src), dst, o);
  return Array.from(dst);
}

describe.each(['reference', 'native'] as const)('%s normalizeToChw', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('letterboxes with offsets and fills the pad', () => {
    const p = 114;
    const plane = (a: number, b: number) => [p, p, p, p, p, a, b, p, p, p, p, p];
    expect(run(k, [10, 20, 30, 40, 50, 60])).toEqual([...plane(10, 40), ...plane(20, 50), ...plane(30, 60)]);
  });

  it('applies scale, mean and std to pixels and to the pad', () => {
    const o = { srcWidth: 1, dstWidth: 2, dstHeight: 1, offsetY: 0, padValue: 0, scale: 0.5 };
    const dst = run(k, [255, 0, 54], { ...o, mean: [63.75, 0, 27], std: [63.75, 2, 3] });
    expect(dst).toEqual([-1, 1, 0, 0, -9, 0]);
  });

  it('swaps channels for bgr and ignores alpha', () => {
    const o = { srcWidth: 1, dstWidth: 1, dstHeight: 1, offsetX: 0, offsetY: 0 };
    expect(run(k, [10, 20, 30], { ...o, channelOrder: 'bgr' })).toEqual([30, 20, 10]);
    expect(run(k, [10, 20, 30, 99], { ...o, srcChannels: 4 })).toEqual([10, 20, 30]);
    expect(run(k, [10, 20, 30, 99], { ...o, srcChannels: 4, channelOrder: 'bgr' })).toEqual([30, 20, 10]);
  });

  it('writes one plane for gray', () => {
    const o = { srcWidth: 2, srcHeight: 2, srcChannels: 1, dstWidth: 3, dstHeight: 2, offsetY: 0 };
    const dst = run(k, [0, 100, 200, 255], {
      ...o,
      channelOrder: 'gray',
      scale: 2,
      mean: [10],
      std: [2],
      padValue: 5,
    });
    expect(dst).toEqual([0, -5, 95, 0, 195, 250]);
  });

  it('accepts an empty image (all pad) and an image that fills the canvas', () => {
    expect(
      run(k, [], { srcWidth: 0, srcHeight: 0, dstWidth: 1, dstHeight: 1, offsetX: 1, offsetY: 1 }),
    ).toEqual([114, 114, 114]);
    const full = { srcWidth: 1, srcHeight: 1, dstWidth: 1, dstHeight: 1, offsetX: 0, offsetY: 0 };
    expect(run(k, [1, 2, 3], full)).toEqual([1, 2, 3]);
  });

  const rangeErrors: [string, Partial<NormalizeOptions>, string][] = [
    [
      'a fractional size',
      { srcWidth: 1.5 },
      'Expected a non-negative integer for options.srcWidth but received 1.5',
    ],
    [
      'a negative offset',
      { offsetY: -1 },
      'Expected a non-negative integer for options.offsetY but received -1',
    ],
    [
      'an unknown channel order',
      { channelOrder: 'rgba' as never },
      'Expected one of rgb, bgr, gray for options.channelOrder but received "rgba"',
    ],
    [
      'gray with 3 channels',
      { channelOrder: 'gray' },
      'Expected 1 (channelOrder gray) for options.srcChannels but received 3',
    ],
    [
      'bgr with 2 channels',
      { channelOrder: 'bgr', srcChannels: 2 },
      'Expected 3 or 4 (channelOrder bgr) for options.srcChannels but received 2',
    ],
    ['a NaN scale', { scale: Number.NaN }, 'Expected a finite number for options.scale but received null'],
    ['a short mean', { mean: [0, 0] }, 'Expected 3 entries for options.mean but received 2'],
    ['a zero std', { std: [1, 0, 1] }, 'Expected a non-zero finite number for options.std[1] but received 0'],
    [
      'a string in mean',
      { mean: [0, '1' as never, 0] },
      'Expected a finite number for options.mean[1] but received "1"',
    ],
    [
      'an image that overflows right',
      { offsetX: 3 },
      'Expected at most 4 (dstWidth) for options.offsetX + options.srcWidth but received 5',
    ],
    [
      'an image that overflows down',
      { offsetY: 3 },
      'Expected at most 3 (dstHeight) for options.offsetY + options.srcHeight but received 4',
    ],
  ];
  it.each(rangeErrors)('rejects %s with a RangeError', (_, over, message) => {
    expect(() => run(k, [1, 2, 3, 4, 5, 6], over)).toThrowError(new RangeError(message));
  });

  it('rejects wrong lengths', () => {
    expect(() => run(k, [1, 2, 3, 4, 5])).toThrowError(
      new RangeError('Expected 6 bytes (srcWidth * srcHeight * srcChannels) for src.length but received 5'),
    );
    expect(() => k.normalizeToChw(new Uint8Array(6), new Float32Array(35), base)).toThrowError(
      new RangeError(
        'Expected 36 floats (outChannels * dstWidth * dstHeight) for dst.length but received 35',
      ),
    );
  });

  it('rejects wrong types with a TypeError', () => {
    const dst = new Float32Array(36);
    const bad = (src: unknown, d: unknown, o: unknown) => () =>
      k.normalizeToChw(src as never, d as never, o as never);
    expect(bad(new Float32Array(6), dst, base)).toThrowError(
      new TypeError('Expected a Uint8Array for src but received "[object Float32Array]"'),
    );
    expect(bad(new Uint8Array(6), [], base)).toThrowError(
      new TypeError('Expected a Float32Array for dst but received "[object Array]"'),
    );
    expect(bad(new Uint8Array(6), dst, null)).toThrowError(
      new TypeError('Expected an object for options but received null'),
    );
    expect(bad(new Uint8Array(6), dst, { ...base, std: 1 })).toThrowError(
      new TypeError('Expected an array for options.std but received 1'),
    );
  });

  it('accepts a Buffer as the source', () => {
    const dst = new Float32Array(3);
    k.normalizeToChw(Buffer.from([7, 8, 9]), dst, {
      ...base,
      srcWidth: 1,
      dstWidth: 1,
      dstHeight: 1,
      offsetX: 0,
      offsetY: 0,
    });
    expect(Array.from(dst)).toEqual([7, 8, 9]);
  });
});
