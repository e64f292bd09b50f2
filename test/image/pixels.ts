import sharp from 'sharp';

/** An xyxy box in image pixels. */
interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Decodes an encoded image to raw RGB (after EXIF orientation). */
export async function rgbOf(image: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image).autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer({
    resolveWithObject: true,
  });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute RGB difference of two same-size raw images over the pixels `where` selects. */
export function meanDiff(
  a: { data: Buffer; width: number; height: number },
  b: { data: Buffer },
  where: (x: number, y: number) => boolean,
): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!where(x, y)) continue;
      const i = 3 * (y * a.width + x);
      for (let c = 0; c < 3; c++) sum += Math.abs((a.data[i + c] as number) - (b.data[i + c] as number));
      count += 3;
    }
  }
  return count ? sum / count : 0;
}

/** Pixels inside `box` within `band` px of its edges: where a drawn outline lands. */
export const insideEdge =
  (box: PixelBox, band = 2) =>
  (x: number, y: number): boolean =>
    x >= Math.ceil(box.x1) &&
    x < Math.floor(box.x2) &&
    y >= Math.ceil(box.y1) &&
    y < Math.floor(box.y2) &&
    Math.min(
      x - Math.ceil(box.x1),
      Math.floor(box.x2) - 1 - x,
      y - Math.ceil(box.y1),
      Math.floor(box.y2) - 1 - y,
    ) < band;

/** Pixels at least `margin` px away from every box (labels sit just above boxes). */
export const awayFrom =
  (boxes: readonly PixelBox[], margin = 40) =>
  (x: number, y: number): boolean =>
    boxes.every((b) => x < b.x1 - margin || x > b.x2 + margin || y < b.y1 - margin || y > b.y2 + margin);
