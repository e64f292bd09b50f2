/**
 * Oriented boxes in Ultralytics' convention (ultralytics/utils/ops.py): a box is its centre, its
 * width `w` along the direction of `angle`, its height `h` across it, and the angle in radians
 * from the x axis towards the y axis, which is clockwise on an image (y grows downwards). A box
 * and the same box turned by π are one box.
 */
import type { Placement } from '../../image/geometry.js';

/** An oriented box: centre, sides and angle (radians). */
export interface RotatedBox {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
}

/** A point, [x, y]. */
export type Point = [number, number];

const HALF_PI = Math.PI / 2;

/** x modulo m in [0, m), for m > 0 (JavaScript's % keeps the sign of x). */
function modulo(x: number, m: number): number {
  const r = x - m * Math.floor(x / m);
  // A tiny negative x gives r = m after rounding.
  return r < m ? r : 0;
}

/**
 * The same box with its angle in [0, π/2), as Ultralytics' `regularize_rboxes` has written it
 * since February 2025 (pull request 19429): when the angle modulo π is π/2 or more, `w` and `h`
 * swap; the angle is then taken modulo π/2. So `w` is not always the longer side (a box 16 wide and
 * 50 high at 30° stays so; at 100° it becomes 50 × 16 at 10°). Ultralytics' earlier rule (`w` the
 * longer side, angle in [0, π)) describes the same rectangles.
 */
export function regularize(box: RotatedBox): RotatedBox {
  const swap = modulo(box.angle, Math.PI) >= HALF_PI;
  const angle = modulo(box.angle, HALF_PI);
  return swap ? { ...box, w: box.h, h: box.w, angle } : { ...box, angle };
}

/**
 * A box in model-input pixels, regularised, then mapped into the original image through the
 * placement (original = (input − offset) / scale on each axis):
 * - `corners`: the images of the box's 4 corners, in the order of Ultralytics' `xywhr2xyxyxyxy`
 *   (with u the half side along `w` and v the half side along `h`: centre + u + v, + u − v,
 *   − u − v, − u + v; at angle 0 that is bottom-right, top-right, top-left, bottom-left).
 * - `box`: the centre's image, `w` and `angle` of the image of the `w` side, and `h` such that the
 *   area is the image's area. Under a letterbox both axes share one scale (up to the rounding of
 *   the resized size to whole pixels), so this is the model's box scaled and `corners` are its
 *   corners. Under a non-uniform stretch the image of a rotated rectangle is a parallelogram:
 *   `corners` are its exact corners and `box` the rectangle with its centre, first side and area.
 * The angle stays in [0, π/2): positive scales keep a direction in its quadrant.
 */
export function toOriginal(input: RotatedBox, p: Placement): { box: RotatedBox; corners: Point[] } {
  const { cx, cy, w, h, angle } = regularize(input);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const [sx, sy] = [p.scaleX, p.scaleY];
  const centre: Point = [(cx - p.offsetX) / sx, (cy - p.offsetY) / sy];
  const u: Point = [((w / 2) * cos) / sx, ((w / 2) * sin) / sy];
  const v: Point = [(-(h / 2) * sin) / sx, ((h / 2) * cos) / sy];
  const at = (a: number, b: number): Point => [
    centre[0] + a * u[0] + b * v[0],
    centre[1] + a * u[1] + b * v[1],
  ];
  // The image of the unit vector along w; the map's determinant is 1 / (sx sy).
  const stretch = Math.hypot(cos / sx, sin / sy);
  return {
    box: {
      cx: centre[0],
      cy: centre[1],
      w: w * stretch,
      h: h / (sx * sy * stretch),
      angle: Math.atan2(sin / sy, cos / sx),
    },
    corners: [at(1, 1), at(1, -1), at(-1, -1), at(-1, 1)],
  };
}
