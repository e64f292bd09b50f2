/**
 * Reference {@link Kernels.fillPolygons}: the pixels of a region inside polygon rings. Mirrored by
 * native/src/fill_polygons.cc.
 *
 * A pixel's centre is its index: pixel (x, y) lies at (x, y) in the rings' coordinates. It is set
 * when its centre is inside by the even–odd rule, counted along its row with half-open edges: an
 * edge from (x0, y0) to (x1, y1) crosses row y when min(y0, y1) ≤ y < max(y0, y1), at
 * x0 + ((y − y0)(x1 − x0)) / (y1 − y0) in float64 (divided last, so a crossing on a whole or half
 * pixel is exactly that), and a row's sorted crossings pair up into spans whose pixels x satisfy
 * first ≤ x < second. Horizontal edges cross no row. So a centre on a left edge is inside and one
 * on a right edge is not, a ring traced back along itself (a line one pixel wide) covers nothing,
 * and the number of pixels set is close to the area the rings enclose.
 *
 * How: every edge's crossings are counted per row of the region, placed in one array row after
 * row (a counting sort; the array and the rows' bounds are scratch buffers reused from call to
 * call), sorted within each row, and their spans filled.
 */
import { expected } from '../errors.js';
import { atLeast, object, region, shown, typed } from './checks.js';
import type { Kernels } from './types.js';

let crossings = new Float64Array(0);
let rowStart = new Int32Array(0);

/**
 * Calls `visit(x, row)` for each crossing of an edge of the rings with a row of the region
 * [top, bottom): `points` holds x, y pairs, ring after ring, `lengths` the points of each.
 */
function forEachCrossing(
  points: Float64Array,
  lengths: Int32Array,
  top: number,
  bottom: number,
  visit: (x: number, row: number) => void,
): void {
  let start = 0;
  for (const length of lengths) {
    for (let i = 0; i < length; i++) {
      const a = 2 * (start + i);
      const b = 2 * (start + ((i + 1) % length));
      const [x0, y0, x1, y1] = [
        points[a] as number,
        points[a + 1] as number,
        points[b] as number,
        points[b + 1] as number,
      ];
      if (y0 === y1) continue;
      const first = Math.max(Math.ceil(Math.min(y0, y1)), top);
      const end = Math.min(Math.ceil(Math.max(y0, y1)), bottom);
      for (let y = first; y < end; y++) visit(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0), y - top);
    }
    start += length;
  }
}

/** Reference {@link Kernels.fillPolygons}, as the module comment describes it. */
export const fillPolygons: Kernels['fillPolygons'] = (points, ringLengths, options, out) => {
  const xy = typed<Float64Array>(points, 'a Float64Array', 'points');
  const lengths = typed<Int32Array>(ringLengths, 'an Int32Array', 'ringLengths');
  const o = object(options, 'options');
  const mask = typed<Uint8Array>(out, 'a Uint8Array', 'out');
  const { x, y, width, height } = region(o);
  let total = 0;
  lengths.forEach((length, i) => {
    if (length < 0) throw new RangeError(expected('a non-negative integer', `ringLengths[${i}]`, length));
    total += length;
  });
  atLeast(xy.length, 2 * total, 'floats (2 * the sum of ringLengths)', 'points.length');
  for (let i = 0; i < 2 * total; i++) {
    if (!Number.isFinite(xy[i]))
      throw new RangeError(expected('a finite number', `points[${i}]`, shown(xy[i])));
  }
  atLeast(mask.length, width * height, 'bytes (regionWidth * regionHeight)', 'out.length');

  mask.fill(0, 0, width * height);
  if (width === 0 || height === 0) return 0;
  // Each row's count, then its end in `crossings`; placing counts each end down to its start.
  if (rowStart.length < height + 1) rowStart = new Int32Array(height + 1);
  rowStart.fill(0, 0, height + 1);
  forEachCrossing(xy, lengths, y, y + height, (_, row) => {
    rowStart[row] = (rowStart[row] as number) + 1;
  });
  for (let r = 1; r < height; r++) rowStart[r] = (rowStart[r] as number) + (rowStart[r - 1] as number);
  rowStart[height] = rowStart[height - 1] as number;
  const n = rowStart[height] as number;
  if (crossings.length < n) crossings = new Float64Array(n);
  forEachCrossing(xy, lengths, y, y + height, (x, row) => {
    rowStart[row] = (rowStart[row] as number) - 1;
    crossings[rowStart[row] as number] = x;
  });
  let set = 0;
  for (let r = 0; r < height; r++) {
    const xs = crossings.subarray(rowStart[r], rowStart[r + 1]).sort();
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(Math.ceil((xs[k] as number) - x), 0);
      const to = Math.min(Math.ceil((xs[k + 1] as number) - x), width);
      if (to > from) {
        mask.fill(1, r * width + from, r * width + to);
        set += to - from;
      }
    }
  }
  return set;
};
