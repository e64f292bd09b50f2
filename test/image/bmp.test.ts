import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp } from '../../src/image/bmp.js';
import { decodeForModel } from '../../src/image/decode.js';
import { caught } from '../helpers/errors.js';
import { preprocessOf } from '../helpers/preprocess.js';
import { createRandom } from '../helpers/random.js';
import { type BmpImage, type BmpOptions, encodeBmp, quantize } from './bmp-encode.js';

const MAX = 1_000_000;

/** A seeded random RGB image, and a paletted one with `colours` entries. */
function randomImage(seed: number, width: number, height: number, colours = 0): BmpImage {
  const rnd = createRandom(seed);
  if (colours === 0) return { width, height, rgb: rnd.bytes(width * height * 3) };
  const palette = Array.from(
    { length: colours },
    () => [rnd.int(0, 255), rnd.int(0, 255), rnd.int(0, 255)] as const,
  );
  const indices = Uint8Array.from({ length: width * height }, () => rnd.int(0, colours - 1));
  return { width, height, palette, indices };
}

/** The RGB a correct decoder returns for `image` written with `options`. */
function expectedRgb(image: BmpImage, options: BmpOptions): Uint8Array {
  if (image.indices)
    return Uint8Array.from([...image.indices].flatMap((i) => [...(image.palette?.[i] ?? [0, 0, 0])]));
  const bpp = options.bpp ?? 24;
  const masks = options.masks ?? (bpp === 16 ? [0x7c00, 0x3e0, 0x1f] : [0xff0000, 0xff00, 0xff]);
  return Uint8Array.from(image.rgb ?? [], (v, i) =>
    bpp === 24 ? v : quantize(v, masks[i % 3] as number).decoded,
  );
}

describe('BMP decoding', () => {
  const variants: [string, number, BmpOptions][] = [
    ['1-bit palette', 2, { bpp: 1 }],
    ['4-bit palette', 16, { bpp: 4 }],
    ['4-bit, 5-colour palette', 5, { bpp: 4 }],
    ['8-bit palette', 256, { bpp: 8 }],
    ['8-bit, 7-colour palette, top-down', 7, { bpp: 8, topDown: true }],
    ['16-bit 5-5-5', 0, { bpp: 16 }],
    ['16-bit 5-6-5 bit fields', 0, { bpp: 16, masks: [0xf800, 0x7e0, 0x1f] }],
    ['24-bit bottom-up', 0, { bpp: 24 }],
    ['24-bit top-down', 0, { bpp: 24, topDown: true }],
    ['24-bit, pixels after a gap', 0, { bpp: 24, gap: 17 }],
    ['32-bit, filler byte set', 0, { bpp: 32, filler: 0x7f }],
    ['32-bit bit fields, BITMAPINFOHEADER', 0, { bpp: 32, masks: [0xff00, 0xff0000, 0xff000000] }],
    ['32-bit bit fields, V3 (56)', 0, { bpp: 32, headerSize: 56, masks: [0xff0000, 0xff00, 0xff] }],
    ['24-bit, V4 header (108)', 0, { bpp: 24, headerSize: 108 }],
    ['32-bit, V5 header (124), top-down', 0, { bpp: 32, headerSize: 124, topDown: true }],
    ['8-bit palette, V5 header (124)', 256, { bpp: 8, headerSize: 124 }],
  ];

  it.each(variants)('%s decodes exactly, at odd and even widths', (_, colours, options) => {
    for (const [seed, width, height] of [
      [1, 1, 1],
      [2, 5, 3],
      [3, 13, 7],
      [4, 32, 2],
    ] as const) {
      const image = randomImage(seed, width, height, colours);
      const decoded = decodeBmp(encodeBmp(image, options), MAX);
      expect({ width: decoded.width, height: decoded.height, channels: decoded.channels }).toEqual({
        width,
        height,
        channels: 3,
      });
      expect(
        Buffer.from(decoded.data).equals(Buffer.from(expectedRgb(image, options))),
        `${width}x${height}`,
      ).toBe(true);
    }
  });

  it('decodes the classic 2×2 24-bit example byte for byte (bottom-up, padded rows)', () => {
    const hex =
      '424d4600000000000000360000002800000002000000020000000100180000000000100000001' +
      '30b0000130b00000000000000000000' +
      '0000ffffffff0000' + // bottom row: red, white, 2 bytes of padding
      'ff000000ff000000'; // top row: blue, green, padding
    const { data, width, height } = decodeBmp(Buffer.from(hex, 'hex'), MAX);
    expect([width, height]).toEqual([2, 2]);
    expect([...data]).toEqual([0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255]);
  });

  it('feeds the same pixels to the model as the PNG of the same image', async () => {
    const image = randomImage(9, 37, 23);
    const png = await sharp(Buffer.from(image.rgb as Uint8Array), {
      raw: { width: 37, height: 23, channels: 3 },
    })
      .png()
      .toBuffer();
    const pre = preprocessOf({ width: 16, height: 16 });
    const fromBmp = await decodeForModel(encodeBmp(image, { bpp: 24 }), pre, MAX);
    const fromPng = await decodeForModel(png, pre, MAX);
    expect(fromBmp.original).toEqual({ width: 37, height: 23, format: 'bmp' });
    expect(Buffer.from(fromBmp.pixels).equals(Buffer.from(fromPng.pixels))).toBe(true);
    const grey = await decodeForModel(
      encodeBmp(image, { bpp: 32 }),
      { ...pre, channelOrder: 'gray', mean: [0], std: [1] },
      MAX,
    );
    expect(grey.channels).toBe(1);
  });

  const good = () => encodeBmp(randomImage(5, 6, 4), { bpp: 24 });
  const patched = (edit: (b: Buffer) => void, base = good()) => {
    const b = Buffer.from(base);
    edit(b);
    return b;
  };

  it.each<[string, () => Buffer, RegExp]>([
    ['truncated pixels', () => good().subarray(0, good().length - 5), /truncated or misplaced/],
    ['only a file header', () => good().subarray(0, 16), /truncated inside its file header/],
    ['a truncated info header', () => good().subarray(0, 30), /truncated inside its info header/],
    ['an OS/2 core header', () => patched((b) => b.writeUInt32LE(12, 14)), /12-byte header/],
    ['zero width', () => patched((b) => b.writeInt32LE(0, 18)), /invalid dimensions/],
    ['negative width', () => patched((b) => b.writeInt32LE(-6, 18)), /invalid dimensions/],
    ['zero height', () => patched((b) => b.writeInt32LE(0, 22)), /invalid dimensions/],
    ['two planes', () => patched((b) => b.writeUInt16LE(2, 26)), /2 planes/],
    ['RLE8 compression', () => patched((b) => b.writeUInt32LE(1, 30)), /RLE8/],
    ['an unknown bit depth', () => patched((b) => b.writeUInt16LE(7, 28)), /7 bits per pixel/],
    ['24-bit with bit fields', () => patched((b) => b.writeUInt32LE(3, 30)), /with bit fields/],
    [
      'a pixel offset past the end',
      () => patched((b) => b.writeUInt32LE(1 << 30, 10)),
      /truncated or misplaced/,
    ],
    [
      'a pixel offset inside the header',
      () => patched((b) => b.writeUInt32LE(20, 10)),
      /truncated or misplaced/,
    ],
    [
      'a palette larger than the bit depth allows',
      () => patched((b) => b.writeUInt32LE(300, 46), encodeBmp(randomImage(1, 4, 4, 256), { bpp: 8 })),
      /300 palette colours/,
    ],
    [
      'a truncated palette',
      () => encodeBmp(randomImage(1, 4, 4, 256), { bpp: 8 }).subarray(0, 300),
      /truncated inside its palette/,
    ],
    [
      'an empty colour mask',
      () => encodeBmp(randomImage(1, 2, 2), { bpp: 32, masks: [0, 0xff00, 0xff] }),
      /empty colour mask/,
    ],
  ])('%s is IMAGE_UNDECODABLE with a reason', (_, bytes, why) => {
    const err = caught(() => decodeBmp(bytes(), MAX));
    expect(err?.code).toBe('IMAGE_UNDECODABLE');
    expect(err?.message).toMatch(/^Cannot decode the image: the BMP /);
    expect(err?.message).toMatch(why);
  });

  it('applies MAX_PIXELS from the header, before allocating or reading pixels', async () => {
    const huge = patched((b) => {
      b.writeInt32LE(100_000, 18);
      b.writeInt32LE(-100_000, 22);
    });
    const err = caught(() => decodeBmp(huge, 4_000_000));
    expect(err?.code).toBe('IMAGE_TOO_LARGE');
    expect(err?.message).toContain('100000×100000');
    const pre = preprocessOf({ width: 8, height: 8, resize: 'stretch' });
    await expect(decodeForModel(good(), pre, 10)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('never fails with anything but a catalogue error on damaged files (seeded mutations)', () => {
    const rnd = createRandom(20240611);
    const bases = [
      encodeBmp(randomImage(1, 9, 5), { bpp: 24 }),
      encodeBmp(randomImage(2, 9, 5, 16), { bpp: 4 }),
      encodeBmp(randomImage(3, 9, 5), { bpp: 32, headerSize: 124, masks: [0xff0000, 0xff00, 0xff] }),
    ];
    for (let i = 0; i < 600; i++) {
      const bytes = Buffer.from(rnd.pick(bases));
      for (let k = rnd.int(1, 4); k > 0; k--)
        bytes[rnd.int(2, Math.min(bytes.length - 1, 80))] = rnd.int(0, 255);
      const cut = rnd.next() < 0.3 ? bytes.subarray(0, rnd.int(2, bytes.length)) : bytes;
      const err = caught(() => decodeBmp(cut, 100_000));
      if (err) expect(['IMAGE_UNDECODABLE', 'IMAGE_TOO_LARGE']).toContain(err.code);
    }
  });
});
