import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import {
  buildConstantOutputs,
  buildDetrWithSizes,
  DEMO_SIZE,
  detectionsMatching,
  type Expected,
  sigmoid,
  softmax,
  ultralyticsNames,
} from '../helpers/detectors.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';

// DETR-style models see the whole image stretched to their input (no letterbox) and give boxes
// either in original pixels (scaled by the orig_target_sizes input) or in 0..1 of the image.
const INPUT = { width: 64, height: 64 };
const NAMES = ['cat', 'dog', 'bird'];
const { width: W, height: H } = DEMO_SIZE;

let image: Buffer;
beforeAll(async () => {
  image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
});

describe('a generated RT-DETR-style detector (orig_target_sizes → labels, boxes, scores)', () => {
  // Boxes xyxy in 0..1; the graph multiplies them by (w, h, w, h) of orig_target_sizes.
  const QUERIES: { label: number; score: number; normalised: [number, number, number, number] }[] = [
    { label: 1, score: 0.93, normalised: [0.1, 0.2, 0.4, 0.7] },
    { label: 1, score: 0.81, normalised: [0.11, 0.21, 0.41, 0.71] }, // a near-duplicate: no NMS for DETR
    { label: 2, score: 0.47, normalised: [0.5, 0.05, 0.95, 0.3] },
    { label: 0, score: 0.12, normalised: [0.6, 0.6, 0.9, 0.9] }, // below 0.25
    ...Array.from({ length: 60 }, () => ({
      label: 0,
      score: 0.01,
      normalised: [0, 0, 0.1, 0.1] as [number, number, number, number],
    })),
  ];
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildDetrWithSizes(INPUT, QUERIES, NAMES)),
  }));

  it('feeds the image width and height, and returns the boxes the model scaled by them', async () => {
    const body = await json(await postImage(server().url, image));
    const expected: Expected[] = QUERIES.slice(0, 3).map((q) => {
      const [x1, y1, x2, y2] = q.normalised;
      return {
        class: q.label,
        label: NAMES[q.label] as string,
        confidence: q.score,
        box: { x1: x1 * W, y1: y1 * H, x2: x2 * W, y2: y2 * H },
      };
    });
    expect(body.detections).toEqual(detectionsMatching(expected));
  });

  it('filters by the confidence parameter', async () => {
    const body = await json(await postImage(server().url, image, '?confidence=0.9'));
    expect(body.detections.map((d: { label: string }) => d.label)).toEqual(['dog']);
    const low = await json(await postImage(server().url, image, '?confidence=0.1'));
    expect(low.detections.map((d: { confidence: number }) => d.confidence)).toEqual([0.93, 0.81, 0.47, 0.12]);
  });
});

describe('a generated RT-DETR-style detector with a dynamic batch, images of two sizes batched together', () => {
  const QUERIES: { label: number; score: number; normalised: [number, number, number, number] }[] = [
    { label: 0, score: 0.9, normalised: [0.1, 0.2, 0.5, 0.6] },
    { label: 2, score: 0.6, normalised: [0.55, 0.3, 0.9, 0.95] },
  ];
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildDetrWithSizes(INPUT, QUERIES, NAMES, true)),
    BATCH_MAX: '8',
    BATCH_WAIT_MS: '100',
  }));
  let small: Buffer;
  beforeAll(async () => {
    small = await sharp({
      create: { width: 300, height: 200, channels: 3, background: { r: 90, g: 90, b: 90 } },
    })
      .png()
      .toBuffer();
  });

  it('gives each image of a batch its own width and height, so each gets boxes in its own pixels', async () => {
    const sized = [
      { image: () => image, width: W, height: H },
      { image: () => small, width: 300, height: 200 },
    ];
    // Sent at once with BATCH_MAX 8 and a 100 ms wait, they usually run as one batch; the answers
    // must be right however they are grouped.
    const posts = Array.from({ length: 6 }, (_, i) => sized[i % 2] as (typeof sized)[number]);
    const bodies = await Promise.all(posts.map(async (p) => json(await postImage(server().url, p.image()))));
    bodies.forEach((body, i) => {
      const { width, height } = posts[i] as (typeof sized)[number];
      const expected: Expected[] = QUERIES.map((q) => {
        const [x1, y1, x2, y2] = q.normalised;
        return {
          class: q.label,
          label: NAMES[q.label] as string,
          confidence: q.score,
          box: { x1: x1 * width, y1: y1 * height, x2: x2 * width, y2: y2 * height },
        };
      });
      expect(body.detections).toEqual(detectionsMatching(expected));
    });
  });
});

/** cx, cy, w, h in 0..1 of the image. */
type Cxcywh = [number, number, number, number];

/** Expected xyxy in original pixels of a normalised cxcywh box (stretched input: just × W, H). */
const fromCxcywh = ([cx, cy, w, h]: Cxcywh) => ({
  x1: (cx - w / 2) * W,
  y1: (cy - h / 2) * H,
  x2: (cx + w / 2) * W,
  y2: (cy + h / 2) * H,
});

/** Serves a one-input DETR whose pred_logits / pred_boxes are these queries (zero-config). */
function useLogitsDetr(queries: readonly { logits: number[]; box: Cxcywh }[]) {
  const q = queries.length;
  const columns = queries[0]?.logits.length ?? 0;
  return useServer('npm start server', () => ({
    ROCKET_URL: writeModel(
      buildConstantOutputs({
        input: INPUT,
        outputs: [
          { name: 'pred_logits', dims: [1, q, columns], values: queries.flatMap((r) => r.logits) },
          { name: 'pred_boxes', dims: [1, q, 4], values: queries.flatMap((r) => r.box) },
        ],
        metadata: { names: ultralyticsNames(NAMES) },
      }),
    ),
  }));
}

describe('a generated DETR with pred_logits (sigmoid) and pred_boxes', () => {
  const QUERIES: { logits: number[]; box: Cxcywh }[] = [
    { logits: [-4, 2.5, -3], box: [0.3, 0.4, 0.2, 0.3] }, // dog, σ(2.5) ≈ 0.924
    { logits: [-4, 1.2, -3], box: [0.31, 0.41, 0.2, 0.3] }, // overlapping dog, σ(1.2) ≈ 0.769: kept
    { logits: [0.4, -1, -2], box: [0.7, 0.5, 0.3, 0.5] }, // cat, σ(0.4) ≈ 0.599
    { logits: [-2, -2, -1.5], box: [0.5, 0.5, 0.1, 0.1] }, // σ(−1.5) ≈ 0.18 < 0.25
    ...Array.from({ length: 40 }, (): { logits: number[]; box: Cxcywh } => ({
      logits: [-6, -6, -6],
      box: [0.5, 0.5, 0.2, 0.2],
    })),
  ];
  const server = useLogitsDetr(QUERIES);

  it('applies a sigmoid to the logits and maps the 0..1 boxes to the image, without NMS', async () => {
    const body = await json(await postImage(server().url, image));
    const expected: Expected[] = [
      { class: 1, label: 'dog', confidence: sigmoid(2.5), box: fromCxcywh(QUERIES[0]?.box as Cxcywh) },
      { class: 1, label: 'dog', confidence: sigmoid(1.2), box: fromCxcywh(QUERIES[1]?.box as Cxcywh) },
      { class: 0, label: 'cat', confidence: sigmoid(0.4), box: fromCxcywh(QUERIES[2]?.box as Cxcywh) },
    ];
    expect(body.detections).toEqual(detectionsMatching(expected));
  });
});

describe('a generated DETR with a "no object" column (softmax over names + 1)', () => {
  // 3 names, 4 columns: the last is "no object", never chosen.
  const QUERIES: { logits: number[]; box: Cxcywh }[] = [
    { logits: [0.5, 3, 0, 1], box: [0.25, 0.3, 0.3, 0.4] }, // dog
    { logits: [2, 0, 1, 0.5], box: [0.7, 0.6, 0.2, 0.2] }, // cat
    { logits: [0, 0, 0, 6], box: [0.5, 0.5, 0.5, 0.5] }, // no object wins: best class ≈ 0.0025
    { logits: [1, 1, 4, 4.5], box: [0.6, 0.2, 0.1, 0.1] }, // no object above bird, bird still 0.37
    ...Array.from({ length: 30 }, (): { logits: number[]; box: Cxcywh } => ({
      logits: [0, 0, 0, 8],
      box: [0.5, 0.5, 0.2, 0.2],
    })),
  ];
  const server = useLogitsDetr(QUERIES);

  it('takes a softmax over the row and never reports the no-object column', async () => {
    const body = await json(await postImage(server().url, image));
    const p = QUERIES.slice(0, 4).map((r) => softmax(r.logits));
    const expected: Expected[] = [
      { class: 1, label: 'dog', confidence: p[0]?.[1] as number, box: fromCxcywh(QUERIES[0]?.box as Cxcywh) },
      { class: 0, label: 'cat', confidence: p[1]?.[0] as number, box: fromCxcywh(QUERIES[1]?.box as Cxcywh) },
      {
        class: 2,
        label: 'bird',
        confidence: p[3]?.[2] as number,
        box: fromCxcywh(QUERIES[3]?.box as Cxcywh),
      },
    ].sort((a, b) => b.confidence - a.confidence);
    expect(expected.map((e) => e.confidence).every((c) => c > 0.25)).toBe(true);
    expect(body.detections).toEqual(detectionsMatching(expected));
  });

  it('gives every query its best real class at a tiny threshold, never the no-object column', async () => {
    const body = await json(await postImage(server().url, image, '?confidence=0.0001'));
    expect(body.detections).toHaveLength(QUERIES.length);
    const noObject = body.detections.find(
      (d: { confidence: number }) => d.confidence < 0.01 && d.confidence > 0.002,
    );
    // [0, 0, 0, 6]: the real classes tie at e⁰ / (3 + e⁶) ≈ 0.0025; the lowest index wins.
    expect(noObject).toMatchObject({
      class: 0,
      label: 'cat',
      confidence: expect.closeTo(softmax([0, 0, 0, 6])[0] as number, 4),
    });
    const classes = new Set(body.detections.map((d: { class: number }) => d.class));
    expect([...classes].sort()).toEqual([0, 1, 2]);
  });
});
