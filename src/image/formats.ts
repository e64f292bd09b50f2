import { RocketError } from '../errors.js';

/**
 * ISO-BMFF brands of HEIF images coded with HEVC (HEIC), which sharp's prebuilt libvips cannot
 * decode: it reports them as a corrupt header. AVIF files are HEIF too, with the `avif`/`avis`
 * brands, and are decoded.
 */
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * The brands of an ISO-BMFF file's leading `ftyp` box (major brand, then the compatible ones), or
 * [] when the bytes do not start with one.
 */
export function ftypBrands(bytes: Uint8Array): string[] {
  if (bytes.length < 16) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = Math.min(view.getUint32(0), bytes.length);
  const fourCC = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (fourCC(4) !== 'ftyp' || size < 16) return [];
  const brands = [fourCC(8)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(fourCC(at));
  return brands;
}

/** True for a HEIF image coded with HEVC (HEIC), told by its `ftyp` brands. */
export function isHeic(bytes: Uint8Array): boolean {
  const brands = ftypBrands(bytes);
  return brands.some((b) => HEVC_BRANDS.has(b)) && !brands.some((b) => AVIF_BRANDS.has(b));
}

/**
 * Refuses HEIC: told by its `ftyp` brands before sharp reads it (sharp then reports a corrupt
 * header), or, once sharp has read the header, by its metadata (`heif` with a `compression` other
 * than `av1`).
 * @throws RocketError UNSUPPORTED_IMAGE_FORMAT
 */
export function refuseHeic(bytes: Uint8Array, meta?: { format?: string; compression?: string }): void {
  const heic = meta ? meta.format === 'heif' && meta.compression !== 'av1' : isHeic(bytes);
  if (!heic) return;
  throw new RocketError(
    'UNSUPPORTED_IMAGE_FORMAT',
    'HEIC/HEIF images are not supported; convert the image to JPEG, PNG, WebP or AVIF',
  );
}

/**
 * Refuses SVG (sharp's format name `svg`) unless ALLOW_SVG is set: it is not a documented
 * format, and librsvg spends seconds of CPU on a few KB of nested `<use>`.
 * @throws RocketError UNSUPPORTED_IMAGE_FORMAT
 */
export function refuseSvg(format: string, allowSvg: boolean): void {
  if (format !== 'svg' || allowSvg) return;
  throw new RocketError(
    'UNSUPPORTED_IMAGE_FORMAT',
    'SVG images are not decoded unless the server sets ALLOW_SVG=true; send a raster image (JPEG, PNG, WebP)',
  );
}
