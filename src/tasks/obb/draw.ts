import { annotateImage, colourOf, labelTag, overlaySvg, strokeSizes } from '../detect/draw.js';
import type { Point } from './geometry.js';
import type { ObbDetection } from './schema.js';

/** The corner drawn highest on the image (smallest y; the leftmost of equals), where the label goes. */
function topCorner(corners: readonly Point[]): Point {
  return corners.reduce((top, c) => (c[1] < top[1] || (c[1] === top[1] && c[0] < top[0]) ? c : top));
}

/**
 * An SVG overlay of `width × height` with each oriented detection outlined as the polygon through
 * its corners and its label (`label 0.87`) at its highest corner, in the colours and sizes of the
 * detect family's drawing. Higher confidences draw last.
 */
export function obbSvg(width: number, height: number, detections: readonly ObbDetection[]): string {
  const sizes = strokeSizes(width, height);
  const parts: string[] = [];
  for (const d of [...detections].sort((a, b) => a.confidence - b.confidence)) {
    const colour = colourOf(d.class);
    const points = d.corners.map(([x, y]) => `${x},${y}`).join(' ');
    const [x, y] = topCorner(d.corners);
    parts.push(
      `<polygon points="${points}" fill="none" stroke="${colour}" stroke-width="${sizes.line}" stroke-linejoin="round"/>`,
      labelTag(`${d.label} ${d.confidence.toFixed(2)}`, colour, x, y, width, height, sizes),
    );
  }
  return overlaySvg(width, height, sizes, parts.join(''));
}

/** The uploaded image as a JPEG with its oriented detections drawn on it (image pixels after EXIF orientation). */
export function annotateObb(
  bytes: Uint8Array,
  detections: readonly ObbDetection[],
  maxPixels: number,
): Promise<Buffer> {
  return annotateImage(bytes, maxPixels, (w, h) => obbSvg(w, h, detections));
}
