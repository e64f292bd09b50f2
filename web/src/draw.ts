import { classColour, MASK_OPACITY } from './colours.js';
import type { AnyDetection, Keypoint, Point } from './filter.js';
import { isOriented, topCorner } from './rotated.js';
import { isSeen, limbs } from './skeleton.js';

/** What {@link drawDetections} drew besides the boxes. */
export interface Drawn {
  masks: number;
  skeletons: number;
  rotated: number;
}

/** Line width and font size for an image, so that drawings read alike at any size. */
interface Pen {
  line: number;
  font: number;
}

/**
 * Draws the image and its detections on the canvas at the image's own size (CSS scales it): the
 * instance masks first, under everything; then per detection its box (axis-aligned, or rotated
 * through its corners) in its class's colour, "label 0.87" on a filled tag above it, and its
 * keypoints, joined by `skeleton`'s limbs when given. Records the counts of masks, skeletons and
 * rotated boxes in the canvas's `data-masks`, `data-skeletons` and `data-rotated`, and returns them.
 */
export function drawDetections(
  canvas: HTMLCanvasElement,
  image: ImageBitmap,
  detections: readonly AnyDetection[],
  skeleton: readonly [number, number][] = [],
): Drawn {
  canvas.width = image.width;
  canvas.height = image.height;
  const drawn: Drawn = { masks: 0, skeletons: 0, rotated: 0 };
  const ctx = canvas.getContext('2d');
  if (!ctx) return drawn;
  ctx.drawImage(image, 0, 0);
  const longest = Math.max(image.width, image.height);
  const pen: Pen = {
    line: Math.max(2, Math.round(longest / 300)),
    font: Math.max(12, Math.round(longest / 45)),
  };
  // Lowest confidence first, so the strongest end up on top.
  const weakestFirst = [...detections].reverse();
  for (const d of weakestFirst) if (fillMask(ctx, d)) drawn.masks++;
  for (const d of weakestFirst) {
    const { fill, text } = classColour(d.class);
    ctx.lineWidth = pen.line;
    ctx.strokeStyle = fill;
    let corner: Point;
    if (isOriented(d)) {
      strokePolygon(ctx, d.corners);
      corner = topCorner(d.corners);
      drawn.rotated++;
    } else {
      const { x1, y1, x2, y2 } = d.box;
      ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
      corner = [x1, y1];
    }
    drawTag(ctx, `${d.label} ${d.confidence.toFixed(2)}`, corner, { fill, text }, pen);
    const keypoints = ('keypoints' in d && d.keypoints) || [];
    if (drawKeypoints(ctx, keypoints, skeleton, fill, pen)) drawn.skeletons++;
  }
  canvas.dataset.masks = String(drawn.masks);
  canvas.dataset.skeletons = String(drawn.skeletons);
  canvas.dataset.rotated = String(drawn.rotated);
  return drawn;
}

/**
 * Fills a segment detection's mask, translucent in its class's colour; false when it has none. The
 * polygons are the mask's outer contours, filled with the non-zero rule so parts never cut holes.
 */
function fillMask(ctx: CanvasRenderingContext2D, d: AnyDetection): boolean {
  const polygons = 'polygons' in d ? d.polygons : undefined;
  if (!polygons?.length) return false;
  ctx.beginPath();
  for (const [first, ...rest] of polygons) {
    if (!first) continue;
    ctx.moveTo(first[0], first[1]);
    for (const [x, y] of rest) ctx.lineTo(x, y);
    ctx.closePath();
  }
  ctx.globalAlpha = MASK_OPACITY;
  ctx.fillStyle = classColour(d.class).fill;
  ctx.fill('nonzero');
  ctx.globalAlpha = 1;
  return true;
}

/** Outlines the polygon through `points`, in order. */
function strokePolygon(ctx: CanvasRenderingContext2D, points: readonly Point[]): void {
  ctx.beginPath();
  for (const [x, y] of points) ctx.lineTo(x, y);
  ctx.closePath();
  ctx.stroke();
}

/** A filled tag with `tag` in it, above `corner` (below it at the image's top), kept inside the image. */
function drawTag(
  ctx: CanvasRenderingContext2D,
  tag: string,
  [x, y]: Point,
  colour: { fill: string; text: string },
  { line, font }: Pen,
): void {
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  const width = ctx.measureText(tag).width + 2 * line;
  const height = font + line;
  const top = y - height >= 0 ? y - height : y;
  const left = Math.max(0, Math.min(x - line / 2, ctx.canvas.width - width));
  ctx.fillStyle = colour.fill;
  ctx.fillRect(left, top, width, height);
  ctx.fillStyle = colour.text;
  ctx.fillText(tag, left + line, top + line / 2);
}

/**
 * Draws the limbs between seen keypoints as lines in `colour`, then the seen keypoints as dots with
 * a white rim (a face detector's landmarks: dots only). True when it drew a limb.
 */
function drawKeypoints(
  ctx: CanvasRenderingContext2D,
  keypoints: readonly Keypoint[],
  skeleton: readonly [number, number][],
  colour: string,
  { line }: Pen,
): boolean {
  const joined = limbs(keypoints, skeleton);
  ctx.lineCap = 'round';
  ctx.lineWidth = line;
  ctx.strokeStyle = colour;
  for (const [from, to] of joined) {
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  }
  for (const k of keypoints.filter(isSeen)) {
    ctx.beginPath();
    ctx.arc(k.x, k.y, line * 1.5, 0, 2 * Math.PI);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = Math.max(1, line / 2);
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  }
  return joined.length > 0;
}
