import { classColour } from './colours.js';
import type { Detection } from './filter.js';

/**
 * Draws the image and its detections on the canvas at the image's own size (CSS scales it):
 * a box per detection in its class's colour, with "label 0.87" on a filled tag above it, and its
 * landmarks as dots.
 */
export function drawDetections(
  canvas: HTMLCanvasElement,
  image: ImageBitmap,
  detections: readonly Detection[],
): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.drawImage(image, 0, 0);
  const line = Math.max(2, Math.round(Math.max(image.width, image.height) / 300));
  const font = Math.max(12, Math.round(Math.max(image.width, image.height) / 45));
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  // Lowest confidence first, so the strongest boxes end up on top.
  for (const d of [...detections].reverse()) {
    const { fill, text } = classColour(d.class);
    const { x1, y1, x2, y2 } = d.box;
    ctx.lineWidth = line;
    ctx.strokeStyle = fill;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const tag = `${d.label} ${d.confidence.toFixed(2)}`;
    const width = ctx.measureText(tag).width + 2 * line;
    const height = font + line;
    const top = y1 - height >= 0 ? y1 - height : y1;
    const left = Math.max(0, Math.min(x1 - line / 2, image.width - width)); // keep the tag inside
    ctx.fillStyle = fill;
    ctx.fillRect(left, top, width, height);
    ctx.fillStyle = text;
    ctx.fillText(tag, left + line, top + line / 2);
    // Landmarks (face detectors' eyes, nose and mouth corners) as dots with a white rim.
    for (const k of d.keypoints ?? []) {
      ctx.beginPath();
      ctx.arc(k.x, k.y, line * 1.5, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = Math.max(1, line / 2);
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
  }
}
