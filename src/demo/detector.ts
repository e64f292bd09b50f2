/**
 * The embedded demo detector: an ONNX model whose weights are written in code, not trained. It finds
 * saturated red/green/blue/yellow rectangles and answers in the Ultralytics YOLOv8 layout.
 *
 * How it works (standard opset-17 operators only):
 * 1. Class masks: a 1×1 Conv computes two colour differences per class (red: R−G and R−B); Min
 *    keeps the smaller and Clip maps 0.2..0.4 to 0..1.
 * 2. Per class, the moment maps m, x·m, x²·m, y·m, y²·m are summed over windows (AveragePool): windows
 *    of 8×8, 4×8 and 8×4 blocks, block size s = 8..80 pixels, moving in steps of one block.
 * 3. For one filled rectangle in a window, the box is cx = E[x], w = sqrt(12·Var[x]) (same in y).
 * 4. A window scores high only when it holds exactly one whole object of the class: no window edge
 *    cuts through the mask ("cut"), the box keeps clear of the window's edges ("touch"), the mass
 *    fills the box ("fill": two objects in one window fill it less) and it is big enough ("presence").
 * Every (class, window) pair is one anchor; the many windows that hold the same object give the
 * same box, and NMS keeps one.
 */
import { GraphBuilder } from '../onnx/build.js';
import { DEMO_LABELS, type DemoLabel } from './images.js';
import { addWindowStage, type WindowOptions } from './windows.js';

/** Side of the square model input, in pixels. */
export const DEMO_INPUT_SIZE = 320;

/** Tuning knobs of {@link buildDemoDetector} (window layout and scoring, see {@link WindowOptions}). */
export interface DemoDetectorParams extends Omit<WindowOptions, 'size'> {
  /** Colour difference (0..1) where a class mask starts, and where it is full. */
  maskLow: number;
  maskHigh: number;
}

const DEFAULTS: DemoDetectorParams = {
  blockSizes: [8, 10, 16, 20, 32, 40, 64, 80],
  windows: [
    [8, 8],
    [4, 8],
    [8, 4],
  ],
  maskLow: 0.2,
  maskHigh: 0.4,
  touchMargin: 1,
  cutTolerance: 2,
  fillPower: 8,
  minArea: 36,
};

/** Per class, the weights on (R, G, B) of two colour differences; the class mask is their minimum. */
const DIFFS: Record<DemoLabel, number[]> = {
  red: [1, -1, 0, 1, 0, -1], // R−G, R−B
  green: [-1, 1, 0, 0, 1, -1], // G−R, G−B
  blue: [-1, 0, 1, 0, -1, 1], // B−R, B−G
  yellow: [1, 0, -1, 0, 1, -1], // R−B, G−B
};

const S = DEMO_INPUT_SIZE;
const C = DEMO_LABELS.length;

/**
 * Builds the demo detector: input `images` float32 [1,3,320,320] (RGB /255, letterboxed, pad 114),
 * output `output0` float32 [1, 4+C, N] (cx, cy, w, h in input pixels, then C class scores 0..1),
 * with Ultralytics-style metadata (`names`, `imgsz`, `stride`, `task`). Returns the ONNX model bytes.
 */
export function buildDemoDetector(params: Partial<DemoDetectorParams> = {}): Uint8Array {
  const p = { ...DEFAULTS, ...params };
  const g = new GraphBuilder({ name: 'demo_detector' });
  const image = g.input('images', 'float32', [1, 3, S, S]);
  const gain = 1 / (p.maskHigh - p.maskLow);
  const weights = [0, 3].flatMap((o) => DEMO_LABELS.flatMap((l) => DIFFS[l].slice(o, o + 3)));
  const w = g.initializer('mask_w', new Float32Array(weights.map((v) => v * gain)), [2 * C, 3, 1, 1]);
  const b = g.initializer('mask_b', new Float32Array(2 * C).fill(-p.maskLow * gain));
  const [d1, d2] = g.node('Split', [g.op('Conv', [image, w, b])], { axis: { int: 1 } }, 2) as [
    string,
    string,
  ];
  const masks = g.op('Clip', [g.op('Min', [d1, d2]), g.scalar(0), g.scalar(1)]); // [1,C,S,S]
  const { rows, anchors } = addWindowStage(g, masks, C, { ...p, size: S });
  g.node('Identity', [rows], {}, ['output0']);
  g.output('output0', 'float32', [1, 4 + C, anchors]);
  for (const [key, value] of Object.entries({
    description: 'rocketserve demo detector',
    author: 'rocketserve',
    version: '1',
    task: 'detect',
    stride: '32',
    imgsz: `[${S}, ${S}]`,
    names: `{${DEMO_LABELS.map((l, i) => `${i}: '${l}'`).join(', ')}}`,
  })) {
    g.metadata(key, value);
  }
  return g.toBytes();
}
