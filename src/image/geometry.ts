import type { Preprocess } from '../rocket/types.js';

/**
 * How an image of `width × height` pixels (after EXIF orientation) becomes the model's canvas:
 * resize to `resizeWidth × resizeHeight`, optionally crop, then place at (offsetX, offsetY).
 * A point maps back to the original with `x = (xModel − offsetX) / scaleX` (same for y).
 */
export interface Placement {
  resizeWidth: number;
  resizeHeight: number;
  /** center-crop only: the region kept from the resized image. */
  crop?: { left: number; top: number; width: number; height: number };
  offsetX: number;
  offsetY: number;
  scaleX: number;
  scaleY: number;
}

/**
 * Plans the resize for one image. Letterbox keeps the aspect ratio, rounds the resized size to
 * whole pixels and centres it (when the padding is odd, the extra pixel goes right/bottom:
 * offset = round(pad / 2 − 0.1), as Ultralytics does), or puts it top-left (`align`). center-crop resizes the short side to
 * min(width, height) / cropRatio and takes the centre. stretch ignores the aspect ratio. none
 * keeps the image as it is: the canvas is the image.
 */
export function planPlacement(width: number, height: number, pre: Preprocess): Placement {
  if (pre.resize === 'none') {
    return { resizeWidth: width, resizeHeight: height, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 };
  }
  if (pre.resize === 'stretch') {
    return {
      resizeWidth: pre.width,
      resizeHeight: pre.height,
      offsetX: 0,
      offsetY: 0,
      scaleX: pre.width / width,
      scaleY: pre.height / height,
    };
  }
  if (pre.resize === 'center-crop') {
    const s = Math.min(pre.width, pre.height) / pre.cropRatio / Math.min(width, height);
    const resizeWidth = Math.max(pre.width, Math.round(width * s));
    const resizeHeight = Math.max(pre.height, Math.round(height * s));
    const left = Math.floor((resizeWidth - pre.width) / 2);
    const top = Math.floor((resizeHeight - pre.height) / 2);
    return {
      resizeWidth,
      resizeHeight,
      crop: { left, top, width: pre.width, height: pre.height },
      offsetX: -left,
      offsetY: -top,
      scaleX: resizeWidth / width,
      scaleY: resizeHeight / height,
    };
  }
  const r = Math.min(pre.width / width, pre.height / height);
  const resizeWidth = Math.min(pre.width, Math.max(1, Math.round(width * r)));
  const resizeHeight = Math.min(pre.height, Math.max(1, Math.round(height * r)));
  const centred = pre.align === 'center';
  return {
    resizeWidth,
    resizeHeight,
    offsetX: centred ? Math.max(0, Math.round((pre.width - resizeWidth) / 2 - 0.1)) : 0,
    offsetY: centred ? Math.max(0, Math.round((pre.height - resizeHeight) / 2 - 0.1)) : 0,
    scaleX: resizeWidth / width,
    scaleY: resizeHeight / height,
  };
}

/**
 * The model's input size (canvas) for a decoded image of `width × height` pixels: the
 * preprocessing's size, or the image's own with resize `none`.
 */
export function canvasSize(
  pre: Preprocess,
  width: number,
  height: number,
): { width: number; height: number } {
  return pre.resize === 'none' ? { width, height } : { width: pre.width, height: pre.height };
}
