/**
 * A segment detection's outline (traced at the model's input size and placed on the image) turned
 * back into the mask its `rle` and `area` describe: the pixels whose centres the rings enclose,
 * filled by `kernels.fillPolygons` over the part of the image the rings cover.
 */
import type { Kernels, RegionOptions } from '../../kernels/types.js';
import type { Point } from './contours.js';
import type { MaskRegion } from './rle.js';

/**
 * The region of a `width × height` image holding every pixel centre that `rings` may enclose: the
 * rings' bounding box, rounded inwards to whole pixels and clamped to the image.
 */
export function ringsRegion(rings: readonly (readonly Point[])[], width: number, height: number): MaskRegion {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (!(minX <= maxX)) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.min(Math.max(Math.ceil(minX), 0), width);
  const y = Math.min(Math.max(Math.ceil(minY), 0), height);
  const right = Math.min(Math.max(Math.floor(maxX) + 1, x), width);
  const bottom = Math.min(Math.max(Math.floor(maxY) + 1, y), height);
  return { x, y, width: right - x, height: bottom - y };
}

/** A region of the image as the kernels take it. */
export function regionOptions(region: MaskRegion): RegionOptions {
  return { regionX: region.x, regionY: region.y, regionWidth: region.width, regionHeight: region.height };
}

/**
 * Sets the pixels of `region` inside `rings` in `mask` (`region.width × region.height` bytes, row
 * by row, 1 inside and 0 outside) and returns how many are set.
 */
export function fillRings(
  rings: readonly (readonly Point[])[],
  region: MaskRegion,
  mask: Uint8Array,
  kernels: Kernels,
): number {
  const lengths = Int32Array.from(rings, (ring) => ring.length);
  const points = new Float64Array(2 * rings.reduce((n, ring) => n + ring.length, 0));
  let at = 0;
  for (const ring of rings) {
    for (const [x, y] of ring) {
      points[at++] = x;
      points[at++] = y;
    }
  }
  return kernels.fillPolygons(points, lengths, regionOptions(region), mask);
}
