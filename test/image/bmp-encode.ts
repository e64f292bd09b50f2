/** What a test BMP holds: RGB pixels, or palette indices plus the palette. */
export interface BmpImage {
  width: number;
  height: number;
  /** RGB, row-major, top row first (for 16/24/32-bit). */
  rgb?: Uint8Array;
  /** One palette index per pixel, top row first (for 1/4/8-bit). */
  indices?: Uint8Array;
  palette?: readonly (readonly [number, number, number])[];
}

/** How to write it. Defaults: 24-bit, bottom-up, BITMAPINFOHEADER (40 bytes), no compression. */
export interface BmpOptions {
  bpp?: 1 | 4 | 8 | 16 | 24 | 32;
  topDown?: boolean;
  headerSize?: 40 | 52 | 56 | 108 | 124;
  /** Bit-field masks [r, g, b] (compression BI_BITFIELDS), for 16- and 32-bit. */
  masks?: readonly [number, number, number];
  /** Filler bytes between the palette and the pixels (the pixel offset must be honoured). */
  gap?: number;
  /** The unused fourth byte of 32-bit pixels. */
  filler?: number;
}

const shiftOf = (mask: number) => Math.clz32(mask & -mask) ^ 31;
const bitsOf = (mask: number) => (mask >>> shiftOf(mask)).toString(2).length;

/** A channel value 0..255 stored in a mask, and what a decoder should read back. */
export function quantize(value: number, mask: number): { stored: number; decoded: number } {
  const max = 2 ** bitsOf(mask) - 1;
  const q = Math.round((value * max) / 255);
  return { stored: (q * 2 ** shiftOf(mask)) >>> 0, decoded: Math.round((q * 255) / max) };
}

/** Writes a Windows bitmap byte by byte, so tests control every field. */
export function encodeBmp(image: BmpImage, options: BmpOptions = {}): Buffer {
  const { width, height } = image;
  const bpp = options.bpp ?? 24;
  const headerSize = options.headerSize ?? 40;
  const paletted = bpp <= 8;
  const masks = options.masks ?? (bpp === 16 ? [0x7c00, 0x3e0, 0x1f] : [0xff0000, 0xff00, 0xff]);
  const bitfields = options.masks !== undefined;
  const maskBytes = bitfields && headerSize === 40 ? 12 : 0;
  const palette = paletted ? (image.palette ?? []) : [];
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const dataOffset = 14 + headerSize + maskBytes + 4 * palette.length + (options.gap ?? 0);
  const out = Buffer.alloc(dataOffset + stride * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(dataOffset, 10);
  out.writeUInt32LE(headerSize, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(options.topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bpp, 28);
  out.writeUInt32LE(bitfields ? 3 : 0, 30);
  out.writeUInt32LE(stride * height, 34);
  out.writeUInt32LE(palette.length, 46);
  if (bitfields) for (const [i, m] of masks.entries()) out.writeUInt32LE(m >>> 0, 54 + 4 * i);
  palette.forEach(([r, g, b], i) => {
    const p = 14 + headerSize + maskBytes + 4 * i;
    out[p] = b;
    out[p + 1] = g;
    out[p + 2] = r;
  });
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (options.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (paletted) {
        const bit = x * bpp;
        out[row + (bit >> 3)] |= (image.indices?.[i] ?? 0) << (8 - bpp - (bit & 7));
        continue;
      }
      const [r, g, b] = [0, 1, 2].map((c) => image.rgb?.[3 * i + c] ?? 0) as [number, number, number];
      if (bpp === 24) out.set([b, g, r], row + 3 * x);
      else {
        const pixel = [r, g, b].reduce(
          (acc, v, c) => (acc | quantize(v, masks[c] as number).stored) >>> 0,
          0,
        );
        if (bpp === 16) out.writeUInt16LE(pixel, row + 2 * x);
        else out.writeUInt32LE((pixel | (bitfields ? 0 : (options.filler ?? 0) << 24)) >>> 0, row + 4 * x);
      }
    }
  }
  return out;
}
