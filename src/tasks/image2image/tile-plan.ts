/**
 * Where the tiles of an any-size image-to-image rocket fall, and how their outputs blend: pure
 * geometry, in pixels. An image of more than `maxPixels` pixels is cut into a grid of tiles of
 * at most that many, neighbours sharing at least `overlap` pixels; across each overlap the two
 * tiles' outputs are feathered linearly, so seams do not show.
 */
import type { TileSettings } from './output.js';

/** One tile's extent along an axis: its first pixel and its length. */
export interface Span {
  start: number;
  size: number;
}

/** The grid of tiles of one image: its columns (x spans) and rows (y spans). */
export interface TilePlan {
  columns: Span[];
  rows: Span[];
}

/** Tiles in a plan: one model run each. */
export const tileCount = (plan: TilePlan): number => plan.columns.length * plan.rows.length;

/** The default tiles: 256 × 256 input pixels sharing 32 (see docs/rocket.md). */
export const DEFAULT_TILE: TileSettings = { maxPixels: 256 * 256, overlap: 32 };

/** The side of a square tile of at most `maxPixels` pixels. */
export const tileSide = (maxPixels: number): number => Math.floor(Math.sqrt(maxPixels));

/**
 * The size of the tiles of a `width × height` image: the whole image when it fits in `maxPixels`
 * (or `maxPixels` is 0), else squares of ⌊√maxPixels⌋, or strips spanning a side shorter than that.
 */
export function tileShape(
  width: number,
  height: number,
  maxPixels: number,
): { width: number; height: number } {
  if (maxPixels === 0 || width * height <= maxPixels) return { width, height };
  const side = tileSide(maxPixels);
  if (height <= side) return { width: Math.floor(maxPixels / height), height };
  if (width <= side) return { width, height: Math.floor(maxPixels / width) };
  return { width: side, height: side };
}

/**
 * Spans of `tile` pixels covering `length`, spread evenly from the first pixel to the last, with
 * as few as share at least `overlap` pixels between neighbours (`tile` > `overlap`).
 */
export function planSpans(length: number, tile: number, overlap: number): Span[] {
  if (length <= tile) return [{ start: 0, size: length }];
  const n = Math.ceil((length - overlap) / (tile - overlap));
  // The stride (length − tile) / (n − 1) is at most tile − overlap, so rounding keeps every overlap.
  return Array.from({ length: n }, (_, i) => ({
    start: Math.round((i * (length - tile)) / (n - 1)),
    size: tile,
  }));
}

/** The tiles of a `width × height` image (one when it fits the budget). */
export function planTiles(width: number, height: number, settings: TileSettings): TilePlan {
  const tile = tileShape(width, height, settings.maxPixels);
  return {
    columns: planSpans(width, tile.width, settings.overlap),
    rows: planSpans(height, tile.height, settings.overlap),
  };
}

/**
 * Each span's blending weight at each output pixel it covers, `scale` output pixels per input
 * pixel. A tile weighs 1 except across an overlap with a neighbour, where it ramps linearly down
 * over the middle half of the overlap and is 0 in the quarter at its edge ({@link EDGE}); the
 * weights of each output pixel are then divided by their sum, so they add up to 1 even where
 * three tiles meet. Weights are separable: a tile's weight at (x, y) is its column's weight at x
 * times its row's at y, which also add up to 1.
 */
/**
 * The share of an overlap, at each end, where a tile's output is left to its neighbour: there it
 * saw the tile's edge (zero padding) within its receptive field. The ramp spans the middle half.
 * On tabby_cat_small.jpg through Real-ESRGAN in 96-pixel tiles, a ramp across the whole overlap
 * left 1042 values over 1 grey level from the whole-image output (at most 3); this leaves none.
 */
const EDGE = 0.25;

export function featherWeights(spans: readonly Span[], scale: number): Float32Array[] {
  const end = (s: Span | undefined) => (s ? s.start + s.size : 0);
  const raw = spans.map((span, i) => {
    const before = spans[i - 1];
    const after = spans[i + 1];
    // Overlaps with the neighbours, in output pixels (0: no neighbour, no ramp on that side).
    const left = before ? (end(before) - span.start) * scale : 0;
    const right = after ? (end(span) - after.start) * scale : 0;
    const size = span.size * scale;
    const ramp = (distance: number, overlap: number) =>
      overlap > 0 ? Math.max(0, (distance - EDGE * overlap) / ((1 - 2 * EDGE) * overlap)) : 1;
    return Float32Array.from({ length: size }, (_, p) =>
      Math.min(1, ramp(p + 0.5, left), ramp(size - p - 0.5, right)),
    );
  });
  const total = new Float64Array(end(spans.at(-1)) * scale);
  spans.forEach((span, i) => {
    for (const [p, w] of (raw[i] as Float32Array).entries()) total[span.start * scale + p] += w;
  });
  spans.forEach((span, i) => {
    const w = raw[i] as Float32Array;
    for (let p = 0; p < w.length; p++) w[p] = (w[p] as number) / (total[span.start * scale + p] as number);
  });
  return raw;
}
