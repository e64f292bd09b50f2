/**
 * A semantic rocket's class map: a PNG of class ids at the original size, with a palette so that it
 * opens as a picture (up to 256 classes; the server sends 16-bit greyscale beyond, which browsers
 * decode to 8 bits, losing the ids). The browser decodes it to colours; the PNG's palette (its PLTE
 * chunk) says which class id each colour stands for.
 */

/** Bytes of the PNG signature, before the first chunk. */
const SIGNATURE = 8;
/** Bytes of a chunk's length and type, before its data. */
const CHUNK_HEAD = 8;
/** Bytes of a chunk besides its data: length, type and CRC. */
const CHUNK_OVERHEAD = 12;

/** The colours of a PNG's palette, by index, as 0xRRGGBB; empty when it has none. */
export function paletteOf(png: Uint8Array): number[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = SIGNATURE; at + CHUNK_HEAD <= png.length; at += CHUNK_OVERHEAD + view.getUint32(at)) {
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') break; // the palette comes before the pixels
    if (type !== 'PLTE') continue;
    const data = png.subarray(at + CHUNK_HEAD, at + CHUNK_HEAD + view.getUint32(at));
    const colours: number[] = [];
    for (let i = 0; i + 2 < data.length; i += 3) colours.push(rgbOf(data, i));
    return colours;
  }
  return [];
}

/** 0xRRGGBB of the three bytes at `i`. */
const rgbOf = (bytes: ArrayLike<number>, i: number) =>
  ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);

/**
 * The class id of each pixel of the decoded map (RGBA): the palette index of its colour (the
 * first, should the palette repeat one).
 * @throws Error when a colour is not in the palette: the map was not decoded as sent.
 */
export function classIds(rgba: Uint8ClampedArray, palette: readonly number[]): Uint8Array {
  const indexOf = new Map<number, number>();
  palette.forEach((colour, i) => {
    if (!indexOf.has(colour)) indexOf.set(colour, i);
  });
  const ids = new Uint8Array(rgba.length / 4);
  for (let p = 0; p < ids.length; p++) {
    const colour = rgbOf(rgba, 4 * p);
    const id = indexOf.get(colour);
    if (id === undefined) {
      throw new Error(
        `The class map has a colour its palette lacks: #${colour.toString(16).padStart(6, '0')}`,
      );
    }
    ids[p] = id;
  }
  return ids;
}
