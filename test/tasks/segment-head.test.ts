// The segment family's worker side, without a worker: the hand-made outputs of
// test/helpers/segment-models.ts through head.postprocess, for both kernel implementations. The
// masks are worked out by hand: a prototype rectangle [a, b) covers input pixels [4a, 4b), cut to
// the box, less a corner pixel where two prototype edges meet (MaskRect); its contour's points are
// placed in the original image through the letterbox, and the pixels whose centres they enclose
// are the mask (insideRings).
import { beforeAll, describe, expect, it } from 'vitest';
import { type KernelKind, type Kernels, loadKernels } from '../../src/kernels/index.js';
import { createHead } from '../../src/tasks/segment/head.js';
import { decodeRle } from '../../src/tasks/segment/rle.js';
import type { SegmentDetection } from '../../src/tasks/segment/schema.js';
import type { OutputView } from '../../src/tasks/types.js';
import { thrown } from '../helpers/errors.js';
import {
  insideRings,
  type MaskRect,
  type Placing,
  rectRing,
  ringsPixels,
  SEG_ANCHORS,
  SEG_DEMO_ANCHORS,
  SEG_NAMES,
  SEG_PROTO_SIZE,
  type SegAnchor,
  segmentOutputs,
  type XY,
} from '../helpers/segment-models.js';
import { imageSpec, jobFor, namesMetadata, signature } from './helpers.js';

const KINDS: KernelKind[] = ['reference', 'native'];

const spec = () =>
  imageSpec(
    signature(
      [['images', [1, 3, 320, 320]]],
      [
        ['output0', [1, 8, SEG_ANCHORS]],
        ['output1', [1, 2, SEG_PROTO_SIZE, SEG_PROTO_SIZE]],
      ],
      { task: 'segment', names: namesMetadata(SEG_NAMES) },
    ),
  );

/**
 * 640×480 → 320×240 letterboxed into 320×320: scale 0.5, 40 px of padding on top. An input pixel
 * centre (x, y) is the original point (2x + 0.5, 2y − 79.5).
 */
const LANDSCAPE = { width: 640, height: 480 };
const onLandscape: Placing = ([x, y]) => [2 * x + 0.5, 2 * y - 79.5];
/** 480×640 → 240×320: scale 0.5, 40 px of padding on the left. */
const PORTRAIT = { width: 480, height: 640 };
const onPortrait: Placing = ([x, y]) => [2 * x - 79.5, 2 * y + 0.5];

/**
 * In input pixels. Cat: prototype columns [10, 30) → input x [40, 120), cut by the box's input x
 * [30, 100) to [40, 99]; rows [20, 40) → input y [80, 160), inside the box's [70, 170). Dog: input
 * x [200, 240) and [260, 280), y [200, 220), inside its box.
 */
const CAT: MaskRect = { x1: 40, y1: 80, x2: 99, y2: 159, boxCut: ['right'] };
const DOG: MaskRect[] = [
  { x1: 200, y1: 200, x2: 239, y2: 219 },
  { x1: 260, y1: 200, x2: 279, y2: 219 },
];
const CAT_RINGS = [rectRing(CAT, onLandscape)];
const DOG_RINGS = DOG.map((r) => rectRing(r, onLandscape));
const CAT_AREA = ringsPixels(CAT_RINGS, LANDSCAPE.width, LANDSCAPE.height);
const DOG_AREA = ringsPixels(DOG_RINGS, LANDSCAPE.width, LANDSCAPE.height);

describe.each(KINDS)('segment head with %s kernels', (kind) => {
  let kernels: Kernels;
  beforeAll(() => {
    kernels = loadKernels(kind);
  });

  const run = (
    original: { width: number; height: number },
    options: Record<string, unknown> = {},
    outputs: Record<string, OutputView> = segmentOutputs(SEG_DEMO_ANCHORS),
  ) => {
    const s = spec();
    return createHead(s, kernels).postprocess(outputs, jobFor(s, original, {}, options))
      .detections as SegmentDetection[];
  };

  it('gives each detection its mask as polygons (the default) and its area, through the letterbox', () => {
    const [cat, dog, empty] = run(LANDSCAPE);
    expect(cat).toMatchObject({ label: 'cat', confidence: 0.9, box: { x1: 60, y1: 60, x2: 200, y2: 260 } });
    // Input x 40..99, y 80..159 → original x 80.5..198.5, y 80.5..238.5; two corners cut.
    expect(cat?.polygons).toEqual([
      [
        [82.5, 80.5],
        [80.5, 82.5],
        [80.5, 236.5],
        [82.5, 238.5],
        [198.5, 238.5],
        [198.5, 80.5],
      ],
    ]);
    expect(cat?.polygons).toEqual(CAT_RINGS);
    // Rows 81..238, columns 81..198, less the cut corners' pixels (82, 81) and (82, 238).
    expect(cat?.area).toBe(158 * 118 - 2);
    expect(CAT_AREA).toBe(158 * 118 - 2);
    // Two rectangles apart: two rings.
    expect(dog).toMatchObject({ label: 'dog', confidence: 0.8 });
    expect(dog?.polygons).toEqual(DOG_RINGS);
    expect(dog?.area).toBe(DOG_AREA);
    // The third: sigmoid(−20) wherever its box is.
    expect(empty).toMatchObject({ label: 'cat', confidence: 0.6, area: 0, polygons: [] });
    for (const d of [cat, dog, empty]) expect(d?.rle).toBeUndefined();
  });

  it('keeps the mask to the image where the box leaves it', () => {
    // Portrait: the cat's box starts at input x 30, in the padding left of the image (which
    // starts at 40); its mask starts at the image's first input column, original x 0.5.
    const [cat] = run(PORTRAIT);
    expect(cat?.box.x1).toBe(0);
    const rings = [rectRing(CAT, onPortrait)];
    expect(rings[0]?.[1]).toEqual([0.5, 162.5]);
    expect(cat?.polygons).toEqual(rings);
    expect(cat?.area).toBe(ringsPixels(rings, PORTRAIT.width, PORTRAIT.height));
  });

  it('masks=rle gives COCO RLE over the whole image that decodes to the mask', () => {
    const [cat, dog, empty] = run(LANDSCAPE, { masks: 'rle' });
    for (const d of [cat, dog, empty]) {
      expect(d?.polygons).toBeUndefined();
      expect(d?.rle?.size).toEqual([480, 640]);
    }
    expect(wrongPixels(cat, CAT_RINGS)).toEqual([]);
    expect(wrongPixels(dog, DOG_RINGS)).toEqual([]);
    expect(cat?.area).toBe(CAT_AREA);
    expect(dog?.area).toBe(DOG_AREA);
    // One run of 307 200 = ((9 × 32 + 12) × 32 + 0) × 32 + 0 zeros: groups 0, 0, 12, 9, lowest first,
    // each but the last + 32 (more follow), + 48: 'P', 'P', '\\', '9'.
    expect(empty?.rle).toEqual({ size: [480, 640], counts: 'PP\\9' });
  });

  it('masks=none gives the area only', () => {
    const [cat, dog] = run(LANDSCAPE, { masks: 'none' });
    expect(cat).toMatchObject({ area: CAT_AREA });
    expect(dog).toMatchObject({ area: DOG_AREA });
    for (const d of [cat, dog]) {
      expect(d?.polygons).toBeUndefined();
      expect(d?.rle).toBeUndefined();
    }
  });

  it('reuses one mask buffer: a small detection after a large one is not left with its pixels', () => {
    const s = spec();
    const head = createHead(s, kernels);
    const job = jobFor(s, LANDSCAPE);
    head.postprocess(segmentOutputs(SEG_DEMO_ANCHORS), job);
    const [dogOnly] = head.postprocess(segmentOutputs(SEG_DEMO_ANCHORS.slice(1, 2)), job)
      .detections as SegmentDetection[];
    expect(dogOnly?.area).toBe(DOG_AREA);
    expect(dogOnly?.polygons).toHaveLength(2);
  });

  it('a non-finite mask coefficient of a candidate is OUTPUT_INVALID', () => {
    const s = spec();
    const anchors: SegAnchor[] = [{ ...(SEG_DEMO_ANCHORS[0] as SegAnchor), coefficients: [Number.NaN, 1] }];
    const err = thrown(() =>
      createHead(s, kernels).postprocess(segmentOutputs(anchors), jobFor(s, LANDSCAPE)),
    );
    expect(err.code).toBe('OUTPUT_INVALID');
    expect(err.message).toContain('mask coefficient of NaN');
    expect(err.message).toContain('yolov8-seg');
  });

  it('prototypes that do not hold M planes are OUTPUT_INVALID', () => {
    const s = spec();
    const outputs = segmentOutputs(SEG_DEMO_ANCHORS);
    const protos = outputs.output1 as OutputView;
    const wrong = { ...outputs, output1: { data: protos.data.subarray(0, 6400), dims: [1, 1, 80, 80] } };
    const err = thrown(() => createHead(s, kernels).postprocess(wrong, jobFor(s, LANDSCAPE)));
    expect(err.code).toBe('OUTPUT_INVALID');
    expect(err.message).toContain('prototypes [1,1,80,80] for 2 mask coefficients');
  });
});

/** The pixels where a detection's decoded RLE differs from the pixels inside `rings`, at most 5. */
function wrongPixels(d: SegmentDetection | undefined, rings: XY[][]): string[] {
  const rle = d?.rle as NonNullable<SegmentDetection['rle']>;
  const [height, width] = rle.size;
  const mask = decodeRle(rle);
  const wrong: string[] = [];
  for (let y = 0; y < height && wrong.length < 5; y++) {
    for (let x = 0; x < width; x++) {
      const expected = insideRings(rings, x, y) ? 1 : 0;
      if (mask[y * width + x] !== expected) wrong.push(`(${x}, ${y}) is ${mask[y * width + x]}`);
    }
  }
  return wrong;
}
