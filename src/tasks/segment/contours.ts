/**
 * The outer contours of a binary mask, as OpenCV's `findContours` with RETR_EXTERNAL and
 * CHAIN_APPROX_SIMPLE gives them (and so Ultralytics' `masks.xy`): one ring per 8-connected
 * component of set pixels that is not inside a hole of another, as the (column, row) of its
 * border pixels, with the points inside straight runs (horizontal, vertical or diagonal) dropped.
 *
 * - Holes are not traced: a ring with a hole gives only its outer ring, and a component lying in
 *   another's hole gives none (it is inside that ring).
 * - Specks are kept: a lone pixel gives a ring of 1 point, two touching pixels a ring of 2.
 * - Rings come in the order of their first pixel, row by row, each starting there and going
 *   counter-clockwise as the image is shown (y down): down its left side first.
 *
 * How: the background reachable from outside the mask (4-connected, the dual of 8-connected
 * foreground) is flooded first; a set pixel with that outside background on its left starts a
 * ring unless a ring already passed it, and the ring is followed by Suzuki and Abe's border
 * following (1985; the algorithm of OpenCV's findContours), which visits every border pixel of the
 * component and stops at the border's last pixel (the start's first set neighbour clockwise from
 * west) when the next step leads back to the start. Against OpenCV 5's findContours on 300 seeded
 * random masks and on the masks of bus.jpg, the rings were the same, point for point.
 */

/** A contour point: (column, row) of a border pixel. */
export type Point = [number, number];

// Marks in the padded copy of the mask: set pixels are odd.
const BACKGROUND = 0;
const SET = 1;
const OUTSIDE = 2;
const TRACED = 3;

/** Neighbour directions, clockwise as the image is shown (y down), starting east. */
const DX = [1, 1, 0, -1, -1, -1, 0, 1];
const DY = [0, 1, 1, 1, 0, -1, -1, -1];
const WEST = 4;

/** The padded mask with its marks, reused (grown when too small) by every call. */
let marks = new Uint8Array(0);

/**
 * The outer contours of a `width × height` mask (bytes row by row, non-zero = set) as rings of
 * (column, row) points, shifted by (`offsetX`, `offsetY`): the mask's place in its image.
 * @throws RangeError when `mask` is shorter than width × height.
 */
export function outerContours(
  mask: Uint8Array,
  width: number,
  height: number,
  offsetX = 0,
  offsetY = 0,
): Point[][] {
  if (mask.length < width * height) {
    throw new RangeError(`mask has ${mask.length} bytes, fewer than ${width} × ${height}`);
  }
  // A frame of background around the mask: every neighbour exists, and the outside is connected.
  const stride = width + 2;
  const size = stride * (height + 2);
  if (marks.length < size) marks = new Uint8Array(size);
  marks.fill(BACKGROUND, 0, size);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (mask[y * width + x] !== 0) marks[(y + 1) * stride + x + 1] = SET;
  }
  floodOutside(marks, stride, height + 2);
  const rings: Point[][] = [];
  for (let p = stride; p < size - stride; p++) {
    if (marks[p] === SET && marks[p - 1] === OUTSIDE) {
      const ring = followBorder(marks, stride, p).map(
        (q): Point => [(q % stride) - 1 + offsetX, Math.floor(q / stride) - 1 + offsetY],
      );
      rings.push(dropStraightRuns(ring));
    }
  }
  return rings;
}

/**
 * Marks OUTSIDE the background 4-connected to the frame, one horizontal span at a time (the stack
 * holds one seed per span to visit, not one per pixel).
 */
function floodOutside(m: Uint8Array, stride: number, rows: number): void {
  const seeds = [0];
  while (seeds.length > 0) {
    const seed = seeds.pop() as number;
    if (m[seed] !== BACKGROUND) continue;
    const rowStart = seed - (seed % stride);
    let left = seed;
    while (left > rowStart && m[left - 1] === BACKGROUND) left--;
    let right = seed;
    while (right < rowStart + stride - 1 && m[right + 1] === BACKGROUND) right++;
    m.fill(OUTSIDE, left, right + 1);
    const row = rowStart / stride;
    for (const next of [row - 1, row + 1]) {
      if (next < 0 || next >= rows) continue;
      const shift = (next - row) * stride;
      for (let q = left + shift; q <= right + shift; q++) {
        if (m[q] === BACKGROUND && (q === left + shift || m[q - 1] !== BACKGROUND)) seeds.push(q);
      }
    }
  }
}

/**
 * Suzuki–Abe border following of the outer border starting at `start` (whose west neighbour is
 * background): the border pixels in order, each marked TRACED.
 */
function followBorder(m: Uint8Array, stride: number, start: number): number[] {
  const step = (d: number) => (DY[d] as number) * stride + (DX[d] as number);
  const isSet = (q: number) => ((m[q] as number) & 1) === 1;
  // The first set neighbour clockwise from the west one is the border's last pixel; none: a lone pixel.
  let last = -1;
  for (let k = 0; k < 8 && last < 0; k++) {
    if (isSet(start + step((WEST + k) % 8))) last = start + step((WEST + k) % 8);
  }
  m[start] = TRACED;
  if (last < 0) return [start];
  const border: number[] = [];
  let previous = last;
  let current = start;
  for (;;) {
    // Counter-clockwise around `current` from the neighbour after `previous`.
    const from = directionOf(previous - current, stride);
    let next = current;
    for (let k = 1; k <= 8; k++) {
      const q = current + step((from - k + 8) % 8);
      if (isSet(q)) {
        next = q;
        break;
      }
    }
    m[current] = TRACED;
    border.push(current);
    if (next === start && current === last) return border;
    previous = current;
    current = next;
  }
}

/** The direction index of a neighbour offset. */
function directionOf(offset: number, stride: number): number {
  for (let d = 0; d < 8; d++) if ((DY[d] as number) * stride + (DX[d] as number) === offset) return d;
  throw new Error(`${offset} is no neighbour offset`);
}

/** The ring without the points inside straight runs: each kept point turns (CHAIN_APPROX_SIMPLE). */
function dropStraightRuns(ring: Point[]): Point[] {
  const n = ring.length;
  if (n < 3) return ring;
  return ring.filter((point, i) => {
    const before = ring[(i + n - 1) % n] as Point;
    const after = ring[(i + 1) % n] as Point;
    return point[0] - before[0] !== after[0] - point[0] || point[1] - before[1] !== after[1] - point[1];
  });
}
