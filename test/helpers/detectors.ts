/**
 * Detectors made in code for the detector-layout tests: every output is a constant tensor (plus
 * 0 × the input mean, so it depends on the input), so the right detections are known by
 * construction. Also the letterbox/stretch arithmetic the expected boxes are computed with, written
 * out here independently of src/image/geometry.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { GraphBuilder } from '../../src/onnx/build.js';

/** A model input size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** One constant output of a generated detector. */
export interface ConstantOutput {
  name: string;
  dims: number[];
  /** Row-major values; a BigInt64Array makes an int64 output. */
  values: ArrayLike<number> | BigInt64Array;
}

export interface ConstantDetectorOptions {
  /** The image input's size; the input is `images` [1, 3, height, width]. */
  input: Size;
  outputs: ConstantOutput[];
  /** metadata_props entries (e.g. names, end2end, args). */
  metadata?: Record<string, string>;
  /**
   * Multiply every float output by min(1, 10⁶ × mean(input)): 0 for the blank warm-up image (its
   * normalised pixels are all 0 with the default preprocessing), the constants for a real photo.
   * A model whose outputs are wrong then loads, and the request sees the wrong values.
   */
  gated?: boolean;
}

/** The 0 (or gate) every output is combined with, so each output depends on the image input. */
function inputTerm(g: GraphBuilder, x: string, gated: boolean) {
  const mean = g.op('ReduceMean', [x], { keepdims: { int: 0 } });
  const zero = g.op('Mul', [mean, g.scalar(0)]);
  const gate = gated ? g.op('Min', [g.op('Mul', [mean, g.scalar(1e6)]), g.scalar(1)]) : undefined;
  return { zero, gate };
}

/** Adds `out` as a graph output: a float constant (+0, or × the gate) or an int64 constant (+0). */
function constantOutput(g: GraphBuilder, out: ConstantOutput, zero: string, gate: string | undefined) {
  if (out.values instanceof BigInt64Array) {
    const init = g.initializer(`${out.name}_const`, out.values, out.dims);
    const zeroInt = g.op('Cast', [zero], { to: { int: 7 } });
    g.node('Add', [init, zeroInt], {}, [out.name]);
    g.output(out.name, 'int64', out.dims);
    return;
  }
  const init = g.initializer(
    `${out.name}_const`,
    Float32Array.from(out.values as ArrayLike<number>),
    out.dims,
  );
  g.node(gate ? 'Mul' : 'Add', [init, gate ?? zero], {}, [out.name]);
  g.output(out.name, 'float32', out.dims);
}

/** A detector whose outputs are the given constants. */
export function buildConstantOutputs(options: ConstantDetectorOptions): Uint8Array {
  const { input, outputs, metadata = {}, gated = false } = options;
  const g = new GraphBuilder({ name: 'constant-outputs' });
  const x = g.input('images', 'float32', [1, 3, input.height, input.width]);
  const { zero, gate } = inputTerm(g, x, gated);
  for (const out of outputs) constantOutput(g, out, zero, gate);
  for (const [key, value] of Object.entries(metadata)) g.metadata(key, value);
  return g.toBytes();
}

/**
 * An RT-DETR-style export: inputs `images` [B, 3, H, W] and `orig_target_sizes` int64 [B, 2]
 * (width, height per image); outputs `labels` int64 [B, Q], `boxes` [B, Q, 4] and `scores` [B, Q].
 * The boxes are `normalised` (xyxy, 0..1) × (w, h, w, h) of each image's orig_target_sizes row,
 * computed in the graph, so they are in original pixels only when the server feeds each image's
 * width and height. B is 1, or symbolic (`batch`) with `dynamicBatch`.
 */
export function buildDetrWithSizes(
  input: Size,
  queries: { label: number; score: number; normalised: [number, number, number, number] }[],
  names?: string[],
  dynamicBatch = false,
): Uint8Array {
  const q = queries.length;
  const b = dynamicBatch ? 'batch' : 1;
  const g = new GraphBuilder({ name: 'detr-sizes' });
  const x = g.input('images', 'float32', [b, 3, input.height, input.width]);
  const sizes = g.input('orig_target_sizes', 'int64', [b, 2]);
  // 0 per image, [B, 1, 1, 1], reshaped to add to [B, Q] and [B, Q, 4].
  const mean = g.op('ReduceMean', [x], { axes: { ints: [1, 2, 3] }, keepdims: { int: 1 } });
  const zero = g.op('Mul', [mean, g.scalar(0)]);
  const zeroRows = g.op('Reshape', [zero, g.int64s(-1, 1)]);
  const zeroBoxes = g.op('Reshape', [zero, g.int64s(-1, 1, 1)]);
  const wh = g.op('Cast', [sizes], { to: { int: 1 } }); // [B, 2] float
  const whwh = g.op('Reshape', [g.op('Tile', [wh, g.int64s(1, 2)]), g.int64s(-1, 1, 4)]); // [B, 1, 4]
  const normalised = g.initializer('normalised', Float32Array.from(queries.flatMap((r) => r.normalised)), [
    1,
    q,
    4,
  ]);
  g.node('Add', [g.op('Mul', [normalised, whwh]), zeroBoxes], {}, ['boxes']);
  g.output('boxes', 'float32', [b, q, 4]);
  const labels = g.initializer('labels_const', BigInt64Array.from(queries.map((r) => BigInt(r.label))), [
    1,
    q,
  ]);
  g.node('Add', [labels, g.op('Cast', [zeroRows], { to: { int: 7 } })], {}, ['labels']);
  g.output('labels', 'int64', [b, q]);
  const scores = g.initializer('scores_const', Float32Array.from(queries.map((r) => r.score)), [1, q]);
  g.node('Add', [scores, zeroRows], {}, ['scores']);
  g.output('scores', 'float32', [b, q]);
  if (names) g.metadata('names', ultralyticsNames(names));
  return g.toBytes();
}

/** Class names as an Ultralytics export writes them: `{0: 'cat', 1: 'dog'}`. */
export const ultralyticsNames = (names: readonly string[]): string =>
  `{${names.map((l, i) => `${i}: '${l}'`).join(', ')}}`;

/**
 * A rocket directory: `model.onnx`, `rocket.json` (`manifest`, its `model` set) and any extra files
 * (e.g. `labels.txt`). Returns its path.
 */
export function writeRocketDir(
  model: Uint8Array,
  manifest: Record<string, unknown>,
  files: Record<string, string> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-detector-'));
  writeFileSync(join(dir, 'model.onnx'), model);
  writeFileSync(join(dir, 'rocket.json'), JSON.stringify({ model: 'model.onnx', ...manifest }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** How the original image maps onto the model input: input = original × scale + offset. */
export interface Mapping {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/**
 * The letterbox of a `image` into `input`: the aspect ratio kept, the resized size rounded to whole
 * pixels, then centred (odd padding: the extra pixel right/bottom, as Ultralytics) or top-left.
 */
export function letterbox(image: Size, input: Size, align: 'center' | 'top-left' = 'center'): Mapping {
  const r = Math.min(input.width / image.width, input.height / image.height);
  const w = Math.round(image.width * r);
  const h = Math.round(image.height * r);
  const centred = align === 'center';
  return {
    scaleX: w / image.width,
    scaleY: h / image.height,
    offsetX: centred ? Math.round((input.width - w) / 2 - 0.1) : 0,
    offsetY: centred ? Math.round((input.height - h) / 2 - 0.1) : 0,
  };
}

/** The whole image resized to the input, the aspect ratio ignored. */
export const stretch = (image: Size, input: Size): Mapping => ({
  scaleX: input.width / image.width,
  scaleY: input.height / image.height,
  offsetX: 0,
  offsetY: 0,
});

/** A model-input point back in original-image pixels. */
export const toOriginal = (m: Mapping, x: number, y: number) => ({
  x: (x - m.offsetX) / m.scaleX,
  y: (y - m.offsetY) / m.scaleY,
});

/** An xyxy box in model-input pixels back in original-image pixels. */
export function boxToOriginal(m: Mapping, [x1, y1, x2, y2]: readonly number[]) {
  const a = toOriginal(m, x1 as number, y1 as number);
  const b = toOriginal(m, x2 as number, y2 as number);
  return { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
}

/** A detection as a test expects it. */
export interface Expected {
  class: number;
  label: string;
  confidence: number;
  /** xyxy in original-image pixels. */
  box: { x1: number; y1: number; x2: number; y2: number };
  /** The 5 face landmarks in original-image pixels, in order. */
  keypoints?: { x: number; y: number }[];
}

const FACE_LANDMARKS = ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'];

/**
 * A matcher for a list of detections, in order: class and label exactly, the confidence to 3
 * decimals, box corners and landmarks within half a pixel (the server rounds them to 0.1 px).
 */
export function detectionsMatching(expected: readonly Expected[]) {
  const px = (v: number) => expect.closeTo(v, 0);
  return expected.map((e) => ({
    class: e.class,
    label: e.label,
    confidence: expect.closeTo(e.confidence, 3),
    box: { x1: px(e.box.x1), y1: px(e.box.y1), x2: px(e.box.x2), y2: px(e.box.y2) },
    ...(e.keypoints
      ? { keypoints: e.keypoints.map((k, i) => ({ x: px(k.x), y: px(k.y), name: FACE_LANDMARKS[i] })) }
      : {}),
  }));
}

/** The logistic function, as the server applies it to raw logits. */
export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** A softmax over a row of logits. */
export function softmax(row: readonly number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** The demo image the tests post: renderDemoScene(demoScenes.shapes) is 640×480. */
export const DEMO_SIZE: Size = { width: 640, height: 480 };
