import { RocketError } from '../errors.js';
import { checkPixelLimit } from './limits.js';

/** A decoded image: 8-bit RGB, row-major, top row first. */
export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

const COMPRESSION_NAMES: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG' };
const RGB = 0;
const BITFIELDS = 3;
const ALPHA_BITFIELDS = 6;

/** True when the bytes start like a Windows bitmap (`BM`). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

const corrupt = (why: string) =>
  new RocketError('IMAGE_UNDECODABLE', `Cannot decode the image: the BMP ${why}`);

/** A colour mask as a shift and a bit count, and how to scale its value to 0..255. */
function maskReader(mask: number): (pixel: number) => number {
  if (mask === 0) throw corrupt('has an empty colour mask');
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  const max = 2 ** bits - 1;
  return bits === 8 ? (p) => (p & mask) >>> shift : (p) => Math.round((((p & mask) >>> shift) * 255) / max);
}

/**
 * Decodes a BMP: 1/4/8-bit palette, 16-bit and 32-bit (plain or with bit-field masks), 24-bit;
 * bottom-up or top-down; BITMAPINFOHEADER and every later header size (52, 56, 64, 108, 124).
 * Sizes, offsets and the palette are validated, and MAX_PIXELS applied, before pixel memory is
 * allocated. Alpha is dropped. Errors are IMAGE_UNDECODABLE or IMAGE_TOO_LARGE, as for every format.
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RawRgb {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isBmp(bytes) || bytes.length < 18) throw corrupt('is truncated inside its file header');
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40)
    throw corrupt(`has a ${headerSize}-byte header; only BITMAPINFOHEADER (40) and later are supported`);
  if (14 + headerSize > bytes.length) throw corrupt('is truncated inside its info header');
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const planes = view.getUint16(26, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  if (width <= 0 || rawHeight === 0 || rawHeight === -(2 ** 31))
    throw corrupt(`has invalid dimensions ${width}×${rawHeight}`);
  const height = Math.abs(rawHeight);
  checkPixelLimit(width, height, maxPixels);
  if (planes !== 1) throw corrupt(`has ${planes} planes (expected 1)`);
  const bitfields = compression === BITFIELDS || compression === ALPHA_BITFIELDS;
  if (compression !== RGB && !bitfields)
    throw corrupt(
      `uses ${COMPRESSION_NAMES[compression] ?? `compression ${compression}`}, which is not supported`,
    );
  const paletted = bpp === 1 || bpp === 4 || bpp === 8;
  if (!(paletted || bpp === 16 || bpp === 24 || bpp === 32) || (bitfields && bpp !== 16 && bpp !== 32))
    throw corrupt(`has ${bpp} bits per pixel${bitfields ? ' with bit fields' : ''}, which is not supported`);

  // Bit-field masks sit at offset 54: inside headers of 52+ bytes, or right after a 40-byte one.
  const extraMasks = headerSize === 40 && bitfields ? (compression === ALPHA_BITFIELDS ? 16 : 12) : 0;
  if (bitfields && 54 + 12 > bytes.length) throw corrupt('is truncated inside its colour masks');
  const masks = bitfields
    ? [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)]
    : bpp === 16
      ? [0x7c00, 0x03e0, 0x001f]
      : [0xff0000, 0x00ff00, 0x0000ff];
  const paletteStart = 14 + headerSize + extraMasks;
  const paletteSize = paletted ? colorsUsed || 2 ** bpp : 0;
  if (paletteSize > 2 ** bpp) throw corrupt(`declares ${paletteSize} palette colours for ${bpp}-bit pixels`);
  if (paletteStart + 4 * paletteSize > bytes.length) throw corrupt('is truncated inside its palette');
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset < paletteStart + 4 * paletteSize || dataOffset + stride * height > bytes.length)
    throw corrupt(
      `pixel data is truncated or misplaced: ${stride * height} bytes at offset ${dataOffset}, file of ${bytes.length}`,
    );

  const out = Buffer.alloc(width * height * 3);
  const [red, green, blue] = masks.map(maskReader) as [
    (p: number) => number,
    (p: number) => number,
    (p: number) => number,
  ];
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (rawHeight < 0 ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      if (paletted) {
        const bit = x * bpp;
        const index = ((bytes[row + (bit >> 3)] as number) >> (8 - bpp - (bit & 7))) & (2 ** bpp - 1);
        if (index < paletteSize) {
          const p = paletteStart + 4 * index;
          out[o] = bytes[p + 2] as number;
          out[o + 1] = bytes[p + 1] as number;
          out[o + 2] = bytes[p] as number;
        } // an index past the palette stays black, as in other decoders
      } else if (bpp === 24) {
        const p = row + 3 * x;
        out[o] = bytes[p + 2] as number;
        out[o + 1] = bytes[p + 1] as number;
        out[o + 2] = bytes[p] as number;
      } else {
        const pixel = bpp === 16 ? view.getUint16(row + 2 * x, true) : view.getUint32(row + 4 * x, true);
        out[o] = red(pixel);
        out[o + 1] = green(pixel);
        out[o + 2] = blue(pixel);
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}
