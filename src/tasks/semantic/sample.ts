import type { Placement } from '../../image/geometry.js';

/** Class ids per pixel, row-major: 8 bits when the ids fit, else 16. */
export type ClassIds = Uint8Array | Uint16Array;

/**
 * Which output pixel lies under each pixel of the original image, nearest neighbour: the centre
 * of original pixel x sits at `offsetX + (x + 0.5) × scaleX` on the model's canvas (stretch or
 * letterbox; the letterbox pad holds no original pixel), and a map of `mapWidth` pixels covers the
 * canvas's `canvasWidth`. The same for rows. Separable, so a column and a row table suffice.
 */
export interface Sampling {
  /** Output column of each original column, and output row of each original row. */
  columns: Int32Array;
  rows: Int32Array;
  mapWidth: number;
  mapHeight: number;
}

/** The sampling of an original image onto an output map of `mapWidth × mapHeight` pixels. */
export function sampleOriginal(
  original: { width: number; height: number },
  placement: Placement,
  canvas: { width: number; height: number },
  mapWidth: number,
  mapHeight: number,
): Sampling {
  const axis = (size: number, offset: number, scale: number, canvasSize: number, mapSize: number) => {
    const out = new Int32Array(size);
    const perCanvasPixel = mapSize / canvasSize;
    for (let i = 0; i < size; i++) {
      const at = Math.floor((offset + (i + 0.5) * scale) * perCanvasPixel);
      out[i] = Math.min(Math.max(at, 0), mapSize - 1);
    }
    return out;
  };
  const p = placement;
  return {
    columns: axis(original.width, p.offsetX, p.scaleX, canvas.width, mapWidth),
    rows: axis(original.height, p.offsetY, p.scaleY, canvas.height, mapHeight),
    mapWidth,
    mapHeight,
  };
}

/** How many original pixels lie under each output pixel (row-major, `mapWidth × mapHeight`). */
export function pixelWeights(s: Sampling): Float64Array {
  const perColumn = new Float64Array(s.mapWidth);
  const perRow = new Float64Array(s.mapHeight);
  for (const c of s.columns) perColumn[c] = (perColumn[c] as number) + 1;
  for (const r of s.rows) perRow[r] = (perRow[r] as number) + 1;
  const weights = new Float64Array(s.mapWidth * s.mapHeight);
  for (let r = 0; r < s.mapHeight; r++) {
    const n = perRow[r] as number;
    if (n === 0) continue;
    for (let c = 0; c < s.mapWidth; c++) weights[r * s.mapWidth + c] = n * (perColumn[c] as number);
  }
  return weights;
}

/**
 * The class map at the original size: each original pixel takes the id of the output pixel under
 * it. Consecutive original rows over the same output row are copied, not sampled again.
 */
export function toOriginal(ids: ClassIds, s: Sampling): ClassIds {
  const width = s.columns.length;
  const height = s.rows.length;
  const out = ids instanceof Uint8Array ? new Uint8Array(width * height) : new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = s.rows[y] as number;
    const start = y * width;
    if (y > 0 && s.rows[y - 1] === row) {
      out.copyWithin(start, start - width, start);
      continue;
    }
    const from = row * s.mapWidth;
    for (let x = 0; x < width; x++) out[start + x] = ids[from + (s.columns[x] as number)] as number;
  }
  return out;
}
