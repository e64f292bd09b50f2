import { RocketError } from '../errors.js';

/** Throws IMAGE_TOO_LARGE when a `width × height` image has more pixels than `maxPixels` (MAX_PIXELS). */
export function checkPixelLimit(width: number, height: number, maxPixels: number): void {
  if (width * height <= maxPixels) return;
  throw new RocketError(
    'IMAGE_TOO_LARGE',
    `The image is ${width}×${height} = ${width * height} pixels; the limit (MAX_PIXELS) is ${maxPixels}`,
  );
}
