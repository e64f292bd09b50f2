/**
 * The segment family's `format=image`: the photo with each detection's mask filled in its class
 * colour, translucent, under the detect family's boxes and labels. Masks are drawn from what the
 * response holds: its polygons (masks=polygon, the default) or its RLE (masks=rle); masks=none
 * gives boxes only.
 */
import { annotateImage, colourOf, detectionsSvg } from '../detect/draw.js';
import { type CocoRle, setRuns } from './rle.js';
import type { SegmentDetection } from './schema.js';

/** How much of the photo a mask hides. */
const MASK_OPACITY = 0.45;

/** SVG path data of polygon rings, whose points are pixel centres (a pixel spans x to x + 1 in SVG). */
function ringsPath(rings: readonly (readonly [number, number])[][]): string {
  return rings.map((ring) => `M${ring.map(([x, y]) => `${x + 0.5} ${y + 0.5}`).join('L')}Z`).join('');
}

/** SVG path data of an RLE: one pixel-wide rectangle per run of set pixels down a column. */
function runsPath(rle: CocoRle): string {
  return setRuns(rle)
    .map(({ x, y, length }) => `M${x} ${y}h1v${length}h-1Z`)
    .join('');
}

/** The filled masks of `detections`, lowest confidence first (as the boxes are drawn). */
function masksSvg(detections: readonly SegmentDetection[]): string {
  return [...detections]
    .sort((a, b) => a.confidence - b.confidence)
    .map((d) => {
      const path = d.polygons ? ringsPath(d.polygons) : d.rle ? runsPath(d.rle) : '';
      // Runs abut exactly: no antialiasing, or their edges would show as seams.
      const crisp = d.rle && !d.polygons ? ' shape-rendering="crispEdges"' : '';
      return path
        ? `<path d="${path}" fill="${colourOf(d.class)}" fill-opacity="${MASK_OPACITY}"${crisp}/>`
        : '';
    })
    .join('');
}

/** The uploaded image as a JPEG with the masks, boxes and labels of `detections` drawn on it. */
export function annotateSegments(
  bytes: Uint8Array,
  detections: readonly SegmentDetection[],
  maxPixels: number,
): Promise<Buffer> {
  return annotateImage(
    bytes,
    maxPixels,
    (width, height) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
      `${masksSvg(detections)}${detectionsSvg(width, height, detections)}</svg>`,
  );
}
