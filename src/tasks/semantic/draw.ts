import { openImage, translateSharpError } from '../../image/decode.js';
import type { ClassMap } from './head.js';
import { classColour, classHex } from './palette.js';
import type { ClassShare } from './schema.js';

/** Opacity of the class colours over the photo. */
const OVERLAY_ALPHA = 0.5;

/**
 * The class map as RGBA pixels of its size: each class in its palette colour at
 * {@link OVERLAY_ALPHA}, pixels of no class transparent.
 */
export function colourOverlay(map: ClassMap): Buffer {
  const ids = map.ids;
  // One RGBA word per id, written as bytes so the words read right on any byte order.
  const lookup = new Uint32Array(ids instanceof Uint8Array ? 0x100 : 0x10000);
  const lookupBytes = new Uint8Array(lookup.buffer);
  for (let id = 0; id < Math.min(map.classes, lookup.length); id++)
    lookupBytes.set([...classColour(id), Math.round(255 * OVERLAY_ALPHA)], 4 * id);
  const rgba = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) rgba[i] = lookup[ids[i] as number] as number;
  return Buffer.from(rgba.buffer);
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An SVG of `width × height` with a legend in the top-left corner: one row per class (as listed
 * in the JSON, largest first), its colour, label and percentage. Sizes follow the image; rows that
 * do not fit are counted in a last row.
 */
export function legendSvg(width: number, height: number, classes: readonly ClassShare[]): string {
  const font = Math.max(12, Math.round(Math.min(width, height) * 0.028));
  const row = Math.round(font * 1.5);
  const pad = Math.round(font * 0.5);
  const fits = Math.max(1, Math.floor((height - 2 * pad) / row));
  const shown = classes.length > fits ? classes.slice(0, fits - 1) : classes;
  const lines = shown.map((c) => ({
    text: `${c.label} ${(c.fraction * 100).toFixed(1)}%`,
    colour: classHex(c.class),
  }));
  if (shown.length < classes.length)
    lines.push({ text: `+${classes.length - shown.length} more`, colour: '' });
  const longest = Math.max(0, ...lines.map((l) => l.text.length));
  const boxWidth = Math.min(width, Math.round(pad * 3 + font + longest * font * 0.6));
  const parts = lines.map((l, i) => {
    const y = pad + i * row;
    const swatch = l.colour
      ? `<rect x="${pad}" y="${y + (row - font) / 2}" width="${font}" height="${font}" fill="${l.colour}" stroke="#fff"/>`
      : '';
    return `${swatch}<text x="${pad * 2 + font}" y="${y + row / 2 + font * 0.35}">${escapeXml(l.text)}</text>`;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect x="0" y="0" width="${boxWidth}" height="${pad * 2 + lines.length * row}" fill="#000" fill-opacity="0.6"/>` +
    `<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${font}" fill="#fff">` +
    `${parts.join('')}</g></svg>`
  );
}

/**
 * The uploaded image as a JPEG with its classes overlaid in translucent colours and a legend (in
 * the pixels of the image after EXIF orientation, as the class map is).
 */
export async function overlayClasses(
  bytes: Uint8Array,
  classes: readonly ClassShare[],
  map: ClassMap,
  maxPixels: number,
  quality = 90,
): Promise<Buffer> {
  const image = await openImage(bytes, maxPixels, 'convert');
  if (image.width !== map.width || image.height !== map.height)
    throw new Error(`class map ${map.width}×${map.height} for an image of ${image.width}×${image.height}`);
  const raw = { width: map.width, height: map.height, channels: 4 } as const;
  const legend = Buffer.from(legendSvg(image.width, image.height, classes));
  try {
    return await image
      .pipeline()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .composite([
        { input: colourOverlay(map), raw },
        { input: legend, top: 0, left: 0 },
      ])
      .jpeg({ quality })
      .toBuffer();
  } catch (err) {
    throw translateSharpError(err);
  }
}
