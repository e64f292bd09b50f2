import { openImage, translateSharpError } from '../../image/decode.js';
import type { Detection } from './schema.js';

/** Box colours, by class index modulo the list (distinct, readable on photos). */
const COLOURS = [
  '#ff3838',
  '#2c99a8',
  '#ff9d97',
  '#ff701f',
  '#ffb21d',
  '#cfd231',
  '#48f90a',
  '#92cc17',
  '#3ddb86',
  '#1a9334',
  '#00d4bb',
  '#ff6b00',
  '#00c2ff',
  '#344593',
  '#6473ff',
  '#0018ec',
  '#8438ff',
  '#520085',
  '#cb38ff',
  '#ff95c8',
] as const;

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** White text on dark colours, black on light ones. */
function textColour(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000' : '#fff';
}

/** Colour of a class index (the list repeats). */
export const colourOf = (cls: number): string => COLOURS[cls % COLOURS.length] ?? COLOURS[0];

/** Stroke and text sizes in pixels. */
export interface StrokeSizes {
  line: number;
  font: number;
  labelHeight: number;
}

/** The stroke and text sizes on an image of `width × height` pixels: they follow the image size. */
export function strokeSizes(width: number, height: number): StrokeSizes {
  const line = Math.max(2, Math.round(((width + height) / 2) * 0.003));
  const font = Math.max(11, line * 5);
  return { line, font, labelHeight: Math.round(font * 1.3) };
}

/**
 * A filled label tag (`label 0.87`) for a shape whose top-left is (x, y) on a `width × height`
 * image: above it when there is room, else just inside it, and never leaving the image.
 */
export function labelTag(
  text: string,
  colour: string,
  x: number,
  y: number,
  width: number,
  height: number,
  { line, font, labelHeight }: StrokeSizes,
): string {
  const labelWidth = Math.round(text.length * font * 0.62 + line * 2);
  const lx = Math.max(0, Math.min(x - line / 2, width - labelWidth));
  const ly = y - labelHeight >= 0 ? y - labelHeight : Math.min(y, height - labelHeight);
  return (
    `<rect x="${lx}" y="${ly}" width="${labelWidth}" height="${labelHeight}" fill="${colour}"/>` +
    `<text x="${lx + line}" y="${ly + labelHeight - Math.round(font * 0.32)}" fill="${textColour(colour)}">${escapeXml(text)}</text>`
  );
}

/** An SVG document of `width × height` holding `shapes`, in the labels' font at `sizes`. */
export const overlaySvg = (width: number, height: number, sizes: StrokeSizes, shapes: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
  `<g font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="${sizes.font}" font-weight="bold">` +
  `${shapes}</g></svg>`;

/**
 * An SVG overlay of `width × height` with one outlined box and one filled label (`label 0.87`) per
 * detection, and its landmarks as dots. Line width and font size follow the image size; labels sit above their box when
 * there is room, else just inside it, and never leave the image. Higher confidences draw last.
 */
export function detectionsSvg(width: number, height: number, detections: readonly Detection[]): string {
  const sizes = strokeSizes(width, height);
  const { line } = sizes;
  const parts: string[] = [];
  for (const d of [...detections].sort((a, b) => a.confidence - b.confidence)) {
    const colour = colourOf(d.class);
    const { x1, y1, x2, y2 } = d.box;
    parts.push(
      `<rect x="${x1}" y="${y1}" width="${Math.max(0, x2 - x1)}" height="${Math.max(0, y2 - y1)}" fill="none" stroke="${colour}" stroke-width="${line}"/>`,
      labelTag(`${d.label} ${d.confidence.toFixed(2)}`, colour, x1, y1, width, height, sizes),
      ...(d.keypoints ?? []).map(
        (k) =>
          `<circle cx="${k.x}" cy="${k.y}" r="${line * 1.5}" fill="${colour}" stroke="#fff" stroke-width="${line / 2}"/>`,
      ),
    );
  }
  return overlaySvg(width, height, sizes, parts.join(''));
}

/**
 * The uploaded image as a JPEG with its detections drawn on it (boxes in the pixels of the image
 * after EXIF orientation, as the JSON reports them). Any format the pipeline reads, BMP included.
 */
export function annotateDetections(
  bytes: Uint8Array,
  detections: readonly Detection[],
  maxPixels: number,
  quality = 90,
): Promise<Buffer> {
  return annotateImage(bytes, maxPixels, (w, h) => detectionsSvg(w, h, detections), quality);
}

/**
 * The uploaded image as a JPEG with the SVG layer(s) `overlay(width, height)` drawn on it in
 * order, at the image's size after EXIF orientation.
 */
export async function annotateImage(
  bytes: Uint8Array,
  maxPixels: number,
  overlay: (width: number, height: number) => string | readonly string[],
  quality = 90,
): Promise<Buffer> {
  // The annotated photo is for people, so it keeps the colours a colour-managed viewer shows.
  const image = await openImage(bytes, maxPixels, 'convert');
  const layers = [overlay(image.width, image.height)].flat().map((svg) => ({
    input: Buffer.from(svg),
    top: 0,
    left: 0,
  }));
  try {
    return await image
      .pipeline()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .composite(layers)
      .jpeg({ quality })
      .toBuffer();
  } catch (err) {
    throw translateSharpError(err);
  }
}
