/**
 * The window stage of the demo detector (see detector.ts): per-class moment sums over many windows,
 * and a YOLOv8-layout box and score per (class, window) pair.
 */
import type { AttributeValue, GraphBuilder } from '../onnx/build.js';

/** How the windows are laid out and scored. All lengths are in input pixels. */
export interface WindowOptions {
  /** Side of the square input. */
  size: number;
  /** Block sizes; each must divide `size`. Windows move in steps of one block. */
  blockSizes: readonly number[];
  /** Window shapes [rows, columns] in blocks (even numbers); windows are centred on block corners. */
  windows: readonly (readonly [number, number])[];
  /** Distance a box must keep from its window's edges to score fully. */
  touchMargin: number;
  /** Mask length cut by a window's edges at which its score reaches 0. */
  cutTolerance: number;
  /** Exponent of min(fill, 1/fill), where fill = mask area / box area. */
  fillPower: number;
  /** Mask area at which presence reaches 1. */
  minArea: number;
}

type G = GraphBuilder;
const ints = (...v: number[]): AttributeValue => ({ ints: v });

/** Window sums via AveragePool × kernel area × `scale`; pads are [top, left, bottom, right]. */
function sum(g: G, x: string, kernel: number[], strides: number[], pads = [0, 0, 0, 0], scale = 1): string {
  const attrs = { kernel_shape: ints(...kernel), strides: ints(...strides), pads: ints(...pads) };
  const pooled = g.op('AveragePool', [x], { ...attrs, count_include_pad: { int: 1 } });
  return g.op('Mul', [pooled, g.scalar((kernel[0] as number) * (kernel[1] as number) * scale)]);
}
const slice = (g: G, x: string, axis: number, start: number, end: number, step = 1) =>
  g.op('Slice', [x, g.int64s(start), g.int64s(end), g.int64s(axis), g.int64s(step)]);
/** Zero-pads axis 2 or 3 of a 4-D tensor. */
function pad(g: G, x: string, axis: number, before: number, after: number): string {
  const pads = [0, 0, 0, 0, 0, 0, 0, 0];
  [pads[axis], pads[axis + 4]] = [before, after];
  return g.op('Pad', [x, g.int64s(...pads)]);
}

/** Per (class, window) sums as [1,C,N] tensors (mass, Σx, Σx², Σy, Σy², cut length); window edges [1,1,N]. */
interface Sums {
  moments: string[];
  cut: string;
  edges: string[];
  count: number;
}

function windowSums(g: G, masks: string, classes: number, o: WindowOptions): Sums {
  const S = o.size;
  const coords = Float32Array.from({ length: S }, (_, i) => i + 0.5); // pixel centres
  const x = g.initializer('x', coords, [1, 1, 1, S]);
  const y = g.initializer('y', coords, [1, 1, S, 1]);
  const xx = g.initializer(
    'xx',
    coords.map((v) => v * v),
    [1, 1, 1, S],
  );
  const yy = g.initializer(
    'yy',
    coords.map((v) => v * v),
    [1, 1, S, 1],
  );
  const maps = g.op('Concat', [masks, ...[x, xx, y, yy].map((c) => g.op('Mul', [masks, c]))], {
    axis: { int: 1 },
  });
  // The mask where it lies on both sides of vertical line x (columns x−1 and x) [1,C,S,S+1], and of
  // horizontal line y [1,C,S+1,S]: a window edge on such a line cuts an object.
  const padded = pad(g, pad(g, masks, 2, 1, 1), 3, 1, 1);
  const across = (axis: number) => {
    const [a, b] = [0, 1].map((d) => slice(g, slice(g, padded, axis, d, S + 1 + d), 5 - axis, 1, S + 1));
    return g.op('Min', [a as string, b as string]);
  };
  const [cutX, cutY] = [across(3), across(2)];

  const parts: string[][] = [[], [], [], [], [], []];
  const edges: number[][] = [[], [], [], []];
  const grids = new Map<number, string>();
  for (const s of o.blockSizes) {
    const base = [...grids.keys()].filter((t) => s % t === 0).pop();
    const f = base ? s / base : s;
    const from = base ? (grids.get(base) as string) : maps;
    const grid = g.op('AveragePool', [from], { kernel_shape: ints(f, f), strides: ints(f, f) });
    grids.set(s, grid); // block averages [1,5C,S/s,S/s]
    const n = S / s + 1; // window centres per axis
    const vLines = sum(g, slice(g, cutX, 3, 0, S + 1, s), [s, 1], [s, 1]); // [1,C,S/s,n]
    const hLines = sum(g, slice(g, cutY, 2, 0, S + 1, s), [1, s], [1, s]); // [1,C,n,S/s]
    for (const [ky, kx] of o.windows) {
      const [hy, hx] = [ky / 2, kx / 2];
      const sums = sum(g, grid, [ky, kx], [1, 1], [hy, hx, hy, hx], s * s);
      const v = pad(g, sum(g, vLines, [ky, 1], [1, 1], [hy, 0, hy, 0]), 3, hx, hx); // [1,C,n,n+kx]
      const h = pad(g, sum(g, hLines, [1, kx], [1, 1], [0, hx, 0, hx]), 2, hy, hy); // [1,C,n+ky,n]
      const cut = g.op('Sum', [
        slice(g, v, 3, 0, n),
        slice(g, v, 3, kx, kx + n),
        slice(g, h, 2, 0, n),
        slice(g, h, 2, ky, ky + n),
      ]);
      const all = [...g.node('Split', [sums], { axis: { int: 1 } }, 5), cut];
      all.forEach((t, i) => void parts[i]?.push(g.op('Reshape', [t, g.int64s(1, classes, -1)])));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const box = [(j - hx) * s, (i - hy) * s, (j + hx) * s, (i + hy) * s];
          box.forEach((e, side) => void edges[side]?.push(e));
        }
      }
    }
  }
  const [mass, sx, sxx, sy, syy, cut] = parts.map((list) => g.op('Concat', list, { axis: { int: 2 } }));
  const count = edges[0]?.length ?? 0;
  const edgeNames = edges.map((e) => g.initializer('edge', new Float32Array(e), [1, 1, count]));
  return { moments: [mass, sx, sxx, sy, syy] as string[], cut: cut as string, edges: edgeNames, count };
}

/**
 * Adds the window stage for class masks `masks` [1,C,S,S] (values 0..1). Returns the name of the
 * output [1, 4+C, C·N] (rows cx, cy, w, h in input pixels, then C scores; anchor c·N + n is
 * class c in window n) and the anchor count C·N.
 */
export function addWindowStage(
  g: G,
  masks: string,
  classes: number,
  o: WindowOptions,
): { rows: string; anchors: number } {
  const { moments, cut, edges, count } = windowSums(g, masks, classes, o);
  const [mass, sx, sxx, sy, syy] = moments as [string, string, string, string, string];
  const [left, top, right, bottom] = edges as [string, string, string, string];
  const op = (type: string, ...inputs: string[]) => g.op(type, inputs);
  const k = (v: number) => g.scalar(v);
  const inv = op('Reciprocal', op('Add', mass, k(1e-3)));
  const extent = (s1: string, s2: string) => {
    const mean = op('Mul', s1, inv);
    const variance = op('Relu', op('Sub', op('Mul', s2, inv), op('Mul', mean, mean)));
    // n pixel centres have variance (n² − 1)/12, hence the + 1.
    return [mean, op('Sqrt', op('Add', op('Mul', variance, k(12)), k(1)))] as [string, string];
  };
  const [cx, w] = extent(sx, sxx);
  const [cy, h] = extent(sy, syy);
  const [halfW, halfH] = [op('Mul', w, k(0.5)), op('Mul', h, k(0.5))];
  const margin = g.op('Min', [
    op('Sub', op('Sub', cx, halfW), left),
    op('Sub', right, op('Add', cx, halfW)),
    op('Sub', op('Sub', cy, halfH), top),
    op('Sub', bottom, op('Add', cy, halfH)),
  ]);
  const clip01 = (v: string) => op('Clip', v, k(0), k(1));
  const touch = clip01(op('Mul', margin, k(1 / o.touchMargin)));
  const uncut = clip01(op('Sub', k(1), op('Mul', cut, k(1 / o.cutTolerance))));
  const fill = op('Div', mass, op('Mul', w, h));
  const fillTerm = op('Pow', op('Min', fill, op('Reciprocal', op('Add', fill, k(1e-6)))), k(o.fillPower));
  const presence = clip01(op('Mul', mass, k(1 / o.minArea)));
  const score = op('Mul', op('Mul', touch, uncut), op('Mul', fillTerm, presence));
  // Anchor (c, n) carries class c's box, and a score only in row 4 + c.
  const C = classes;
  const flat = (v: string) => op('Reshape', v, g.int64s(1, 1, -1));
  const eye = g.initializer(
    'eye',
    Float32Array.from({ length: C * C }, (_, i) => +(i % (C + 1) === 0)),
    [1, C, C, 1],
  );
  const scores = op(
    'Reshape',
    op('Mul', op('Reshape', score, g.int64s(1, 1, C, -1)), eye),
    g.int64s(1, C, -1),
  );
  const rows = g.op('Concat', [flat(cx), flat(cy), flat(w), flat(h), scores], { axis: { int: 1 } });
  return { rows, anchors: C * count };
}
