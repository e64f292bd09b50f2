import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import {
  boxToOriginal,
  buildConstantOutputs,
  type ConstantOutput,
  DEMO_SIZE,
  detectionsMatching,
  type Expected,
  letterbox,
  type Mapping,
  type Size,
  toOriginal,
  writeRocketDir,
} from '../helpers/detectors.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';

// Face detectors: one class (reported as "0", the models have no names), 5 landmarks each, and
// the letterbox in the top-left corner (InsightFace's and OpenCV's preprocessing).

let image: Buffer;
beforeAll(async () => {
  image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
});

/** A face in model-input pixels: score, xyxy box, 5 landmarks as [x, y] pairs. */
interface Face {
  score: number;
  box: number[];
  landmarks: number[];
}

/** The detection a face must give through the mapping `m`. */
const expectedFace = (m: Mapping, f: Face): Expected => ({
  class: 0,
  label: 'face', // face detectors name their one class when the rocket names none
  confidence: f.score,
  box: boxToOriginal(m, f.box),
  keypoints: Array.from({ length: 5 }, (_, i) =>
    toOriginal(m, f.landmarks[2 * i] as number, f.landmarks[2 * i + 1] as number),
  ),
});

const LANDMARK_OFFSETS = [-0.8, -0.5, 0.8, -0.5, 0, 0.3, -0.6, 1.2, 0.6, 1.2];

describe('a generated RetinaFace with output.format retinaface', () => {
  // 80×64: the priors of stride 32 need ⌈80 / 32⌉ = 3 columns. Priors level by level (steps 8, 16,
  // 32; min sizes [16, 32], [64, 128], [256, 512]), cells row by row, then each min size.
  const INPUT: Size = { width: 80, height: 64 };
  const MIN_SIZES = [
    [16, 32],
    [64, 128],
    [256, 512],
  ];
  const STEPS = [8, 16, 32];
  const [V0, V1] = [0.1, 0.2];
  const levels = STEPS.map((step, k) => ({
    step,
    rows: Math.ceil(INPUT.height / step),
    cols: Math.ceil(INPUT.width / step),
    sizes: MIN_SIZES[k] as number[],
  }));
  const PRIORS = levels.reduce((n, l) => n + l.rows * l.cols * l.sizes.length, 0);

  interface Prior {
    level: number;
    row: number;
    col: number;
    size: number;
    /** dx, dy, dw, dh */
    loc: number[];
    conf: [number, number];
    /** 10 landmark offsets, in units of variance × prior size */
    landmarks: number[];
  }
  const prior = (p: Prior) => {
    const l = levels[p.level] as (typeof levels)[number];
    let base = 0;
    for (let k = 0; k < p.level; k++) {
      const o = levels[k] as (typeof levels)[number];
      base += o.rows * o.cols * o.sizes.length;
    }
    return {
      index: base + (p.row * l.cols + p.col) * l.sizes.length + p.size,
      cx: (p.col + 0.5) * l.step,
      cy: (p.row + 0.5) * l.step,
      m: l.sizes[p.size] as number,
    };
  };
  const ENTRIES: Prior[] = [
    // Stride 8, cell (3, 4), min size 32: centre (36, 28).
    {
      level: 0,
      row: 3,
      col: 4,
      size: 1,
      loc: [0.5, -0.25, Math.log(1.2) / V1, 0],
      conf: [0.05, 0.95],
      landmarks: LANDMARK_OFFSETS,
    },
    // Stride 32, cell (1, 2): the third column, there only because the grid is rounded up.
    {
      level: 2,
      row: 1,
      col: 2,
      size: 0,
      loc: [-0.8, -0.5, Math.log(24 / 256) / V1, Math.log(20 / 256) / V1],
      conf: [0.2, 0.8],
      landmarks: [-0.3, -0.2, 0.1, -0.2, -0.1, 0, -0.25, 0.15, 0.05, 0.15],
    },
    // The first face again from the min size 16 prior of the same cell: suppressed.
    {
      level: 0,
      row: 3,
      col: 4,
      size: 0,
      loc: [1, -0.5, Math.log(38 / 16) / V1, Math.log(2) / V1],
      conf: [0.1, 0.9],
      landmarks: LANDMARK_OFFSETS.map((v) => 2 * v),
    },
    // Not a face.
    {
      level: 1,
      row: 2,
      col: 1,
      size: 0,
      loc: [0, 0, 0, 0],
      conf: [0.8, 0.2],
      landmarks: new Array(10).fill(0),
    },
  ];
  const face = (p: Prior): Face => {
    const { cx: pcx, cy: pcy, m } = prior(p);
    const [dx, dy, dw, dh] = p.loc as [number, number, number, number];
    const [cx, cy, w, h] = [
      pcx + dx * V0 * m,
      pcy + dy * V0 * m,
      m * Math.exp(dw * V1),
      m * Math.exp(dh * V1),
    ];
    return {
      score: p.conf[1],
      box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
      landmarks: p.landmarks.map((v, i) => (i % 2 === 0 ? pcx : pcy) + v * V0 * m),
    };
  };
  const outputs = (): ConstantOutput[] => {
    const loc = new Array<number>(4 * PRIORS).fill(0);
    const conf = Array.from({ length: PRIORS }, () => [1, 0]).flat();
    const landmarks = new Array<number>(10 * PRIORS).fill(0);
    for (const p of ENTRIES) {
      const { index } = prior(p);
      loc.splice(4 * index, 4, ...p.loc);
      conf.splice(2 * index, 2, ...p.conf);
      landmarks.splice(10 * index, 10, ...p.landmarks);
    }
    return [
      { name: 'loc', dims: [1, PRIORS, 4], values: loc },
      { name: 'conf', dims: [1, PRIORS, 2], values: conf },
      { name: 'landmarks', dims: [1, PRIORS, 10], values: landmarks },
    ];
  };
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocketDir(buildConstantOutputs({ input: INPUT, outputs: outputs() }), {
      task: 'detect',
      output: { format: 'retinaface' },
    }),
  }));

  it('decodes boxes and 5 landmarks against the priors, mapped back from the top-left letterbox', async () => {
    expect(PRIORS).toBe(2 * (10 * 8 + 5 * 4 + 3 * 2));
    // 640×480 → 80×60 in the top-left corner (centred, it would sit 2 px down).
    const m = letterbox(DEMO_SIZE, INPUT, 'top-left');
    expect(m).toEqual({ scaleX: 0.125, scaleY: 0.125, offsetX: 0, offsetY: 0 });
    const body = await json(await postImage(server().url, image));
    const faces = [ENTRIES[0], ENTRIES[1]].map((p) => face(p as Prior));
    expect(body.detections).toEqual(detectionsMatching(faces.map((f) => expectedFace(m, f))));
  });

  it('keeps the overlapping prior when the iou parameter allows it', async () => {
    const body = await json(await postImage(server().url, image, '?iou=0.999&confidence=0.1'));
    expect(body.detections.map((d: { confidence: number }) => d.confidence)).toEqual([0.95, 0.9, 0.8, 0.2]);
  });
});

describe.each([
  { shape: '[1, N, k]', batch: [1] },
  { shape: '[N, k] (no batch dimension, as InsightFace exports)', batch: [] },
])('a generated SCRFD, zero-config (score_8 … kps_32, 2 anchors per cell), outputs $shape', ({ batch }) => {
  // 64×64: strides 8, 16, 32 give 8×8, 4×4 and 2×2 cells of 2 anchors, centred on the cell's
  // top-left corner (col × s, row × s); distances and landmark offsets in units of the stride.
  const INPUT: Size = { width: 64, height: 64 };
  interface Anchor {
    stride: number;
    row: number;
    col: number;
    anchor: number;
    score: number;
    /** left, top, right, bottom */
    bbox: number[];
    kps: number[];
  }
  const ENTRIES: Anchor[] = [
    { stride: 8, row: 2, col: 3, anchor: 1, score: 0.88, bbox: [1.5, 1, 2, 2.5], kps: LANDMARK_OFFSETS },
    {
      stride: 32,
      row: 1,
      col: 1,
      anchor: 0,
      score: 0.66,
      bbox: [0.5, 0.4, 0.6, 0.3],
      kps: LANDMARK_OFFSETS.map((v) => v / 4),
    },
    // The first face from the other anchor of its cell: suppressed.
    { stride: 8, row: 2, col: 3, anchor: 0, score: 0.7, bbox: [1.5, 1, 2.1, 2.5], kps: LANDMARK_OFFSETS },
    { stride: 16, row: 0, col: 0, anchor: 0, score: 0.1, bbox: [1, 1, 1, 1], kps: new Array(10).fill(0) },
  ];
  const face = (a: Anchor): Face => {
    const [cx, cy, s] = [a.col * a.stride, a.row * a.stride, a.stride];
    const [l, t, r, b] = a.bbox as [number, number, number, number];
    return {
      score: a.score,
      box: [cx - l * s, cy - t * s, cx + r * s, cy + b * s],
      landmarks: a.kps.map((v, i) => (i % 2 === 0 ? cx : cy) + v * s),
    };
  };
  const outputs = (): ConstantOutput[] =>
    [8, 16, 32].flatMap((s) => {
      const cols = INPUT.width / s;
      const n = 2 * cols * (INPUT.height / s);
      const [score, bbox, kps] = [new Array(n).fill(0), new Array(4 * n).fill(0), new Array(10 * n).fill(0)];
      for (const a of ENTRIES.filter((e) => e.stride === s)) {
        const i = 2 * (a.row * cols + a.col) + a.anchor;
        score[i] = a.score;
        bbox.splice(4 * i, 4, ...a.bbox);
        kps.splice(10 * i, 10, ...a.kps);
      }
      return [
        { name: `score_${s}`, dims: [...batch, n, 1], values: score },
        { name: `bbox_${s}`, dims: [...batch, n, 4], values: bbox },
        { name: `kps_${s}`, dims: [...batch, n, 10], values: kps },
      ];
    });
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildConstantOutputs({ input: INPUT, outputs: outputs() })),
  }));

  it('decodes boxes and 5 landmarks per anchor, mapped back from the top-left letterbox', async () => {
    const m = letterbox(DEMO_SIZE, INPUT, 'top-left'); // 640×480 → 64×48, no offset
    expect(m).toEqual({ scaleX: 0.1, scaleY: 0.1, offsetX: 0, offsetY: 0 });
    const body = await json(await postImage(server().url, image));
    const faces = [ENTRIES[0], ENTRIES[1]].map((a) => face(a as Anchor));
    expect(body.detections).toEqual(detectionsMatching(faces.map((f) => expectedFace(m, f))));
  });

  it('keeps the other anchor and the weak one when the parameters allow them', async () => {
    const body = await json(await postImage(server().url, image, '?iou=0.999&confidence=0.05'));
    expect(body.detections.map((d: { confidence: number }) => d.confidence)).toEqual([0.88, 0.7, 0.66, 0.1]);
  });
});

describe('a generated YuNet, zero-config (cls_S, obj_S, bbox_S, kps_S for strides 8, 16, 32)', () => {
  // 64×64: one anchor per cell; cx = (dx + col)·s, w = e^dw·s, landmark = (k + col)·s; score
  // = √(cls × obj).
  const INPUT: Size = { width: 64, height: 64 };
  interface Cell {
    stride: number;
    row: number;
    col: number;
    cls: number;
    obj: number;
    /** dx, dy, log w, log h */
    bbox: number[];
    kps: number[];
  }
  const KPS = [0.1, 0.2, 0.9, 0.2, 0.5, 0.6, 0.2, 0.9, 0.8, 0.9];
  const ENTRIES: Cell[] = [
    {
      stride: 8,
      row: 3,
      col: 2,
      cls: 0.9,
      obj: 0.81,
      bbox: [0.5, 0.5, Math.log(3), Math.log(3.5)],
      kps: KPS,
    },
    { stride: 16, row: 1, col: 2, cls: 0.7, obj: 0.7, bbox: [0.5, 0.2, Math.log(1.5), 0], kps: KPS },
    { stride: 32, row: 0, col: 0, cls: 0.2, obj: 0.2, bbox: [0.5, 0.5, 0, 0], kps: KPS }, // 0.2 < 0.25
  ];
  const face = (c: Cell): Face => {
    const s = c.stride;
    const [dx, dy, dw, dh] = c.bbox as [number, number, number, number];
    const [cx, cy, w, h] = [(dx + c.col) * s, (dy + c.row) * s, Math.exp(dw) * s, Math.exp(dh) * s];
    return {
      score: Math.sqrt(c.cls * c.obj),
      box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
      landmarks: c.kps.map((v, i) => (v + (i % 2 === 0 ? c.col : c.row)) * s),
    };
  };
  const outputs = (): ConstantOutput[] =>
    [8, 16, 32].flatMap((s) => {
      const cols = INPUT.width / s;
      const n = cols * (INPUT.height / s);
      const [cls, obj, bbox, kps] = [
        new Array(n).fill(0),
        new Array(n).fill(0),
        new Array(4 * n).fill(0),
        new Array(10 * n).fill(0),
      ];
      for (const c of ENTRIES.filter((e) => e.stride === s)) {
        const i = c.row * cols + c.col;
        cls[i] = c.cls;
        obj[i] = c.obj;
        bbox.splice(4 * i, 4, ...c.bbox);
        kps.splice(10 * i, 10, ...c.kps);
      }
      return [
        { name: `cls_${s}`, dims: [1, n, 1], values: cls },
        { name: `obj_${s}`, dims: [1, n, 1], values: obj },
        { name: `bbox_${s}`, dims: [1, n, 4], values: bbox },
        { name: `kps_${s}`, dims: [1, n, 10], values: kps },
      ];
    });
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildConstantOutputs({ input: INPUT, outputs: outputs() })),
  }));

  it('decodes boxes and 5 landmarks per cell, mapped back from the top-left letterbox', async () => {
    const m = letterbox(DEMO_SIZE, INPUT, 'top-left');
    const body = await json(await postImage(server().url, image));
    const faces = [ENTRIES[0], ENTRIES[1]].map((c) => face(c as Cell));
    expect(faces[0]?.score).toBeCloseTo(0.8538, 4);
    expect(body.detections).toEqual(detectionsMatching(faces.map((f) => expectedFace(m, f))));
  });

  it('reports the weak cell only below its score', async () => {
    const body = await json(await postImage(server().url, image, '?confidence=0.19'));
    expect(body.detections).toHaveLength(3);
    expect(body.detections[2]).toMatchObject({ class: 0, confidence: expect.closeTo(0.2, 3) });
  });
});
