/**
 * A YOLOv8-seg model made in code, whose masks are known by construction: 2 classes (cat, dog), 2
 * mask prototypes at 80×80 for a 320×320 input (4 input pixels per prototype pixel), each
 * prototype +1 inside hand-placed rectangles and −1 elsewhere. A coefficient of 20 on one
 * prototype (0 on the other) gives sigmoid(±20): the mask is that prototype's rectangles, cut to
 * the detection's box, and its edges fall exactly on the rectangles' edges in input pixels
 * (prototype pixels [a, b) → input [4a, 4b)), since the bilinear sample crosses 0.5 half-way
 * between a +1 and a −1 prototype pixel.
 */
import type { OutputView } from '../../src/tasks/types.js';
import { buildConstantOutputs, ultralyticsNames } from './detectors.js';

export const SEG_INPUT = { width: 320, height: 320 };
export const SEG_NAMES = ['cat', 'dog'];
export const SEG_PROTO_SIZE = 80;
const M = 2;
const C = SEG_NAMES.length;
/** Anchors of the head: the instances, then empty anchors (all scores 0). */
export const SEG_ANCHORS = 100;

/** A prototype rectangle: prototype columns [x0, x1) and rows [y0, y1). */
type Rect = [x0: number, y0: number, x1: number, y1: number];

/** Prototype 0: one rectangle; prototype 1: two apart (a mask of two components). */
const PROTO_RECTS: Rect[][] = [
  [[10, 20, 30, 40]],
  [
    [50, 50, 60, 55],
    [65, 50, 70, 55],
  ],
];

/** One anchor of the head: box cx, cy, w, h in input pixels, class scores, mask coefficients. */
export interface SegAnchor {
  box: [number, number, number, number];
  scores: [number, number];
  coefficients: [number, number];
}

/**
 * Three anchors: a cat whose box cuts prototype 0's rectangle on both sides, a dog whose box holds
 * both of prototype 1's rectangles, and a cat whose box lies inside prototype 0's rectangle with a
 * coefficient of −20 there (an empty mask). The tests work out their masks by hand.
 */
export const SEG_DEMO_ANCHORS: SegAnchor[] = [
  { box: [65, 120, 70, 100], scores: [0.9, 0.05], coefficients: [20, 0] },
  { box: [240, 210, 100, 40], scores: [0.1, 0.8], coefficients: [0, 20] },
  { box: [80, 120, 40, 40], scores: [0.6, 0], coefficients: [-20, 0] },
];

/** The head `[1, 4 + 2 + 2, SEG_ANCHORS]` and prototypes `[1, 2, 80, 80]` of these anchors. */
export function segmentOutputs(anchors: readonly SegAnchor[]): Record<string, OutputView> {
  const rows = 4 + C + M;
  const head = new Float32Array(rows * SEG_ANCHORS);
  anchors.forEach((a, i) => {
    [...a.box, ...a.scores, ...a.coefficients].forEach((v, r) => {
      head[r * SEG_ANCHORS + i] = v;
    });
  });
  const plane = SEG_PROTO_SIZE * SEG_PROTO_SIZE;
  const protos = new Float32Array(M * plane).fill(-1);
  PROTO_RECTS.forEach((rects, k) => {
    for (const [x0, y0, x1, y1] of rects) {
      for (let y = y0; y < y1; y++)
        protos.fill(1, k * plane + y * SEG_PROTO_SIZE + x0, k * plane + y * SEG_PROTO_SIZE + x1);
    }
  });
  return {
    output0: { data: head, dims: [1, rows, SEG_ANCHORS] },
    output1: { data: protos, dims: [1, M, SEG_PROTO_SIZE, SEG_PROTO_SIZE] },
  };
}

/** A segment model (metadata task: segment, names cat and dog) whose outputs are these anchors'. */
export function buildSegmentModel(anchors: readonly SegAnchor[], metadata = true): Uint8Array {
  const outputs = segmentOutputs(anchors);
  return buildConstantOutputs({
    input: SEG_INPUT,
    outputs: Object.entries(outputs).map(([name, view]) => ({
      name,
      dims: [...view.dims] as number[],
      values: view.data as Float32Array,
    })),
    metadata: metadata ? { task: 'segment', names: ultralyticsNames(SEG_NAMES) } : {},
  });
}

/** A side of a mask rectangle. */
export type Side = 'left' | 'right' | 'top' | 'bottom';

/**
 * A mask at the model's input size that is a prototype rectangle in input pixels, [x1, x2] ×
 * [y1, y2] inclusive, less its corner pixel where both sides are prototype edges rather than cuts
 * by the box (`boxCut`).
 *
 * Why: the bilinear sample of a rectangle is the product of two 1-D ramps. At 4 input pixels per
 * prototype pixel, the last 2 pixels inside an edge sample the ramp at 0.875 and 0.625, so each is
 * inside on its own; at a corner both ramps apply, and only the corner pixel's product,
 * 0.625² ≈ 0.39, is not above 0.5.
 */
export interface MaskRect {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  boxCut?: Side[];
}

/** A point, and how input pixels map to original ones. */
export type XY = [number, number];
export type Placing = (p: XY) => XY;

/**
 * The ring findContours gives the mask rectangle at input size, from its first pixel down the left
 * side, along the bottom, up the right side (a cut corner is a diagonal step of one pixel), each
 * point placed in the original image by `place`.
 */
export function rectRing(r: MaskRect, place: Placing): XY[] {
  const ramped = (side: Side) => !r.boxCut?.includes(side);
  const { x1, y1, x2, y2 } = r;
  const cut = (a: Side, b: Side, points: XY[], corner: XY) => (ramped(a) && ramped(b) ? points : [corner]);
  const ring: XY[] = [
    ...cut(
      'left',
      'top',
      [
        [x1 + 1, y1],
        [x1, y1 + 1],
      ],
      [x1, y1],
    ),
    ...cut(
      'left',
      'bottom',
      [
        [x1, y2 - 1],
        [x1 + 1, y2],
      ],
      [x1, y2],
    ),
    ...cut(
      'right',
      'bottom',
      [
        [x2 - 1, y2],
        [x2, y2 - 1],
      ],
      [x2, y2],
    ),
    ...cut(
      'right',
      'top',
      [
        [x2, y1 + 1],
        [x2 - 1, y1],
      ],
      [x2, y1],
    ),
  ];
  return ring.map(place);
}

/**
 * True when pixel (x, y)'s centre is inside `rings` by the even–odd rule, half-open (a centre on a
 * left or top edge is inside, on a right or bottom edge not): a point-by-point check of what the
 * segment family fills, written apart from its scanline fill.
 */
export function insideRings(rings: readonly XY[][], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    ring.forEach(([x0, y0], i) => {
      const [x1, y1] = ring[(i + 1) % ring.length] as XY;
      if (y0 === y1 || y < Math.min(y0, y1) || y >= Math.max(y0, y1)) return;
      if (x >= x0 + ((y - y0) * (x1 - x0)) / (y1 - y0)) inside = !inside;
    });
  }
  return inside;
}

/** The pixels of a `width × height` image inside `rings` (see {@link insideRings}). */
export function ringsPixels(rings: readonly XY[][], width: number, height: number): number {
  let count = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (insideRings(rings, x, y)) count++;
  return count;
}
