/**
 * The class map as a PNG whose pixel values are the class ids. sharp writes palette PNGs only by
 * quantising, which renumbers the palette (measured: ids 0, 1, 2, 3 came out as 1, 0, 3, 2), so
 * the PNG is written here: signature, IHDR, PLTE, IDAT (zlib) and IEND, each with its CRC-32.
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { ClassMap } from './head.js';
import { classColour } from './palette.js';

const deflateAsync = promisify(deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The CRC-32 table of PNG (polynomial 0xedb88320, reflected). */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The 256 colours of 8-bit ids, RGB bytes. */
const PALETTE = Uint8Array.from(
  { length: 256 * 3 },
  (_, i) => classColour(Math.floor(i / 3))[i % 3] as number,
);

/**
 * Encodes a class map: 8-bit ids as a palette PNG (colour type 3) whose entry i is the colour of
 * class i, so it opens as a picture and each pixel's index is its class; 16-bit ids (more than
 * 255 classes) as 16-bit greyscale (colour type 0), the value being the class.
 */
export async function classMapPng({ width, height, ids }: ClassMap): Promise<Buffer> {
  const eight = ids instanceof Uint8Array;
  const rowBytes = width * (eight ? 1 : 2);
  // Each row: filter type 0 (none), then the row's samples, big-endian.
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (rowBytes + 1) + 1;
    const row = ids.subarray(y * width, (y + 1) * width);
    if (eight) raw.set(row, at);
    else for (let x = 0; x < width; x++) raw.writeUInt16BE(row[x] as number, at + 2 * x);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  // Bit depth, colour type, then compression, filter and interlace methods 0.
  header.set(eight ? [8, 3] : [16, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    ...(eight ? [chunk('PLTE', PALETTE)] : []),
    chunk('IDAT', await deflateAsync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
