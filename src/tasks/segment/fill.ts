/**
 * The pixels inside polygon rings, as a mask of the part of the image they cover: the rasterisation
 * that turns a segment detection's outline (traced at the model's input size and scaled to the
 * image) back into the mask its `rle` and `area` describe.
 *
 * A point is a pixel's centre: pixel (x, y) lies at (x, y) in the rings' coordinates. A pixel is
 * set when its centre is inside by the even–odd rule, counted on its row with half-open edges: an
 * edge from (x0, y0) to (x1, y1) crosses row y when min(y0, y1) ≤ y < max(y0, y1), at
 * x0 + (y − y0)(x1 − x0) / (y1 − y0), and the pixels from the first crossing of a pair up to (not
 * including) the second are inside. Horizontal edges cross no row. So a pixel centre on a left edge
 * is inside and one on a right edge is not, a ring traced back along itself (a line one pixel wide)
 * covers nothing, and the number of pixels set is close to the area the rings enclose.
 */
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

/** Every edge's crossing of every row of the region, grouped by row (reused, grown when too small). */
let crossings = new Float64Array(0);
let rowStart = new Int32Array(0);

/** Calls `visit(x, row)` for each crossing of `rings`' edges with a row of `region`. */
function forEachCrossing(
  rings: readonly (readonly Point[])[],
  region: MaskRegion,
  visit: (x: number, row: number) => void,
): void {
  const top = region.y;
  const bottom = region.y + region.height;
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const [x0, y0] = ring[i] as Point;
      const [x1, y1] = ring[(i + 1) % ring.length] as Point;
      if (y0 === y1) continue;
      const first = Math.max(Math.ceil(Math.min(y0, y1)), top);
      const end = Math.min(Math.ceil(Math.max(y0, y1)), bottom);
      // Divided last, so a crossing that falls on a whole or half pixel is exactly that.
      for (let y = first; y < end; y++) visit(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0), y - top);
    }
  }
}

/**
 * Sets the pixels of `region` inside `rings` in `mask` (`region.width × region.height` bytes, row
 * by row, 1 inside and 0 outside) and returns how many are set.
 * @throws RangeError when `mask` is shorter than the region.
 */
export function fillRings(
  rings: readonly (readonly Point[])[],
  region: MaskRegion,
  mask: Uint8Array,
): number {
  const { width, height } = region;
  if (mask.length < width * height) {
    throw new RangeError(`mask has ${mask.length} bytes, fewer than ${width} × ${height}`);
  }
  mask.fill(0, 0, width * height);
  if (width === 0 || height === 0) return 0;
  // Count the crossings per row, then place them in one array, row after row.
  if (rowStart.length < height + 1) rowStart = new Int32Array(height + 1);
  rowStart.fill(0, 0, height + 1);
  forEachCrossing(rings, region, (_, row) => {
    rowStart[row + 1] = (rowStart[row + 1] as number) + 1;
  });
  for (let r = 0; r < height; r++) rowStart[r + 1] = (rowStart[r + 1] as number) + (rowStart[r] as number);
  const total = rowStart[height] as number;
  if (crossings.length < total) crossings = new Float64Array(total);
  const next = rowStart.slice(0, height);
  forEachCrossing(rings, region, (x, row) => {
    crossings[next[row] as number] = x;
    next[row] = (next[row] as number) + 1;
  });
  let set = 0;
  for (let r = 0; r < height; r++) {
    const xs = crossings.subarray(rowStart[r], rowStart[r + 1]).sort();
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(Math.ceil((xs[k] as number) - region.x), 0);
      const to = Math.min(Math.ceil((xs[k + 1] as number) - region.x), width);
      if (to > from) {
        mask.fill(1, r * width + from, r * width + to);
        set += to - from;
      }
    }
  }
  return set;
}
