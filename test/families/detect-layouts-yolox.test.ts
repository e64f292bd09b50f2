import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import {
  boxToOriginal,
  buildConstantOutputs,
  DEMO_SIZE,
  detectionsMatching,
  type Expected,
  letterbox,
  ultralyticsNames,
  writeRocketDir,
} from '../helpers/detectors.js';
import { json, postImage } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';

// A raw YOLOX head at 128×128: strides 8, 16, 32 give 16×16 + 8×8 + 4×4 = 336 anchors, listed stride
// by stride, cells row by row; each row is x, y (offsets in cells), log w, log h (in strides),
// objectness, then 2 class scores.
const INPUT = { width: 128, height: 128 };
const STRIDES = [8, 16, 32];
const NAMES = ['cat', 'dog'];
const ANCHORS = STRIDES.reduce((n, s) => n + (INPUT.width / s) * (INPUT.height / s), 0);

/** The anchor index of a cell of a stride. */
function anchorIndex(stride: number, row: number, col: number): number {
  let base = 0;
  for (const s of STRIDES) {
    if (s === stride) return base + row * (INPUT.width / s) + col;
    base += (INPUT.width / s) * (INPUT.height / s);
  }
  throw new Error(`no stride ${stride}`);
}

interface Anchor {
  stride: number;
  row: number;
  col: number;
  /** x, y, log w, log h, objectness, cat, dog */
  raw: [number, number, number, number, number, number, number];
}
const A: Anchor = { stride: 8, row: 5, col: 7, raw: [0.5, 0.25, Math.log(4), Math.log(3), 0.9, 0.1, 0.95] };
const ANCHOR_LIST: Anchor[] = [
  A, // dog 0.855: cx (0.5 + 7)·8 = 60, cy (0.25 + 5)·8 = 42, 32 × 24
  // The same dog one cell to the right (x −0.5): IoU ≈ 0.95 with A, lower score → suppressed.
  { stride: 8, row: 5, col: 8, raw: [-0.5, 0.25, Math.log(4.2), Math.log(3), 0.85, 0.1, 0.9] },
  { stride: 16, row: 4, col: 5, raw: [0.2, 0.6, Math.log(2.5), Math.log(1.5), 0.8, 0.7, 0.2] }, // cat 0.56
  { stride: 32, row: 1, col: 2, raw: [0.5, 0.5, Math.log(1.5), 0, 0.7, 0.9, 0.1] }, // cat 0.63
  { stride: 8, row: 10, col: 10, raw: [0.5, 0.5, 0, 0, 0.4, 0.5, 0.3] }, // 0.2: below 0.25
];

/** The xyxy box of an anchor in model-input pixels, as YOLOX decodes it. */
function inputBox({ stride: s, row, col, raw }: Anchor): number[] {
  const [x, y, lw, lh] = raw;
  const [cx, cy, w, h] = [(x + col) * s, (y + row) * s, Math.exp(lw) * s, Math.exp(lh) * s];
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

function head(): number[] {
  const values = new Array<number>(ANCHORS * 7).fill(0);
  for (const a of ANCHOR_LIST) values.splice(7 * anchorIndex(a.stride, a.row, a.col), 7, ...a.raw);
  return values;
}

/** What the anchors must give with a letterbox aligned `align`. */
function expected(align: 'center' | 'top-left'): Expected[] {
  const m = letterbox(DEMO_SIZE, INPUT, align);
  return [0, 3, 2].map((i) => {
    const a = ANCHOR_LIST[i] as Anchor;
    const [, , , , obj, cat, dog] = a.raw;
    const cls = dog > cat ? 1 : 0;
    return {
      class: cls,
      label: NAMES[cls] as string,
      confidence: obj * Math.max(cat, dog),
      box: boxToOriginal(m, inputBox(a)),
    };
  });
}

let image: Buffer;
beforeAll(async () => {
  image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
});

const model = () =>
  buildConstantOutputs({
    input: INPUT,
    outputs: [{ name: 'output', dims: [1, ANCHORS, 7], values: head() }],
    metadata: { names: ultralyticsNames(NAMES) },
  });

describe('a generated raw YOLOX head with output.format yolox', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocketDir(model(), { task: 'detect', output: { format: 'yolox' } }),
  }));

  it('decodes the grid cells, suppresses the duplicate, and maps back from the top-left letterbox', async () => {
    expect(ANCHORS).toBe(336);
    const body = await json(await postImage(server().url, image));
    // 640×480 → 128×96 in the top-left corner: no vertical offset (centred, it would be 16 px).
    expect(letterbox(DEMO_SIZE, INPUT, 'top-left')).toEqual({
      scaleX: 0.2,
      scaleY: 0.2,
      offsetX: 0,
      offsetY: 0,
    });
    expect(body.detections).toEqual(detectionsMatching(expected('top-left')));
  });

  it('keeps the duplicate and the weak anchor when the parameters allow them', async () => {
    const body = await json(await postImage(server().url, image, '?iou=0.99&confidence=0.1'));
    expect(body.detections.map((d: { confidence: number }) => d.confidence)).toEqual([
      0.855, 0.765, 0.63, 0.56, 0.2,
    ]);
  });
});

describe('a generated raw YOLOX head with preprocess.align center in rocket.json', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocketDir(model(), {
      task: 'detect',
      output: { format: 'yolox' },
      preprocess: { align: 'center' },
    }),
  }));

  it('maps the boxes back through the centred letterbox (16 px on top)', async () => {
    expect(letterbox(DEMO_SIZE, INPUT, 'center').offsetY).toBe(16);
    const body = await json(await postImage(server().url, image));
    expect(body.detections).toEqual(detectionsMatching(expected('center')));
  });
});
