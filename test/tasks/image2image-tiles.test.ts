// Tiles of any-size image-to-image rockets, without a model: the tile plan (shape, spans, count),
// the feather weights that blend the seams, the crop of a tile's job, and the scale check.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/inference/messages.js';
import type { ImageRocketSpec } from '../../src/rocket/types.js';
import {
  featherWeights,
  planSpans,
  planTiles,
  type Span,
  tileCount,
  tileShape,
} from '../../src/tasks/image2image/tile-plan.js';
import { cropJob, outputScale } from '../../src/tasks/image2image/tiles.js';
import { thrown } from '../helpers/errors.js';
import { createRandom } from '../helpers/random.js';
import { imageSpec, jobFor, signature } from './helpers.js';

/** An any-size RGB rocket ×4, as Real-ESRGAN is. */
const anySize = () =>
  imageSpec(signature([['input', ['N', 3, 'H', 'W']]], [['output', ['N', 3, 'H4', 'W4']]]));

/** Asserts spans start at 0, end at `length`, and neighbours share at least `overlap` pixels. */
function expectCover(spans: Span[], length: number, overlap: number) {
  expect(spans[0]?.start).toBe(0);
  const last = spans.at(-1) as Span;
  expect(last.start + last.size).toBe(length);
  for (let i = 1; i < spans.length; i++) {
    const before = spans[i - 1] as Span;
    const shared = before.start + before.size - (spans[i] as Span).start;
    expect(shared).toBeGreaterThanOrEqual(overlap);
    expect(shared).toBeLessThan((spans[i] as Span).size);
  }
}

describe('the tile plan', () => {
  it('keeps an image within the budget whole, and every image whole when maxPixels is 0', () => {
    expect(tileShape(300, 168, 65536)).toEqual({ width: 300, height: 168 });
    expect(tileShape(4000, 3000, 0)).toEqual({ width: 4000, height: 3000 });
    expect(tileCount(planTiles(4000, 3000, { maxPixels: 0, overlap: 32 }))).toBe(1);
  });

  it('cuts a large image into squares of ⌊√maxPixels⌋, or strips across a narrow one', () => {
    expect(tileShape(1000, 800, 65536)).toEqual({ width: 256, height: 256 });
    expect(tileShape(2000, 100, 65536)).toEqual({ width: 655, height: 100 });
    expect(tileShape(100, 2000, 65536)).toEqual({ width: 100, height: 655 });
  });

  it('spreads as few spans as share the overlap evenly from the first pixel to the last', () => {
    // ⌈(1000 − 32) / (256 − 32)⌉ = ⌈4.32⌉ = 5 spans, at round(i × 744 / 4).
    const spans = planSpans(1000, 256, 32);
    expect(spans.map((s) => s.start)).toEqual([0, 186, 372, 558, 744]);
    expectCover(spans, 1000, 32);
    for (const [length, tile, overlap] of [
      [257, 256, 32],
      [480, 256, 32],
      [1281, 100, 17],
      [97, 40, 8],
    ] as const) {
      expectCover(planSpans(length, tile, overlap), length, overlap);
    }
    expect(planSpans(200, 256, 32)).toEqual([{ start: 0, size: 200 }]);
  });

  it('counts columns × rows', () => {
    // 150 × 100 with 40-pixel tiles sharing 8: ⌈142 / 32⌉ = 5 columns, ⌈92 / 32⌉ = 3 rows.
    const plan = planTiles(150, 100, { maxPixels: 1600, overlap: 8 });
    expect([plan.columns.length, plan.rows.length, tileCount(plan)]).toEqual([5, 3, 15]);
  });
});

describe('feather weights', () => {
  it('add up to 1 at every output pixel, also where three tiles meet', () => {
    // 75 pixels in 40-pixel tiles at 0, 18 and 35: the first and last share 35..39 with the middle one.
    const triple = planSpans(75, 40, 8);
    expect(triple.map((s) => s.start)).toEqual([0, 18, 35]);
    for (const spans of [planSpans(1000, 256, 32), planSpans(97, 40, 8), triple]) {
      for (const scale of [1, 4]) {
        const weights = featherWeights(spans, scale);
        const last = spans.at(-1) as Span;
        const total = new Float64Array((last.start + last.size) * scale);
        spans.forEach((s, i) => {
          (weights[i] as Float32Array).forEach((w, p) => {
            total[s.start * scale + p] += w;
          });
        });
        for (const t of total) expect(t).toBeCloseTo(1, 6);
      }
    }
  });

  it('ramp linearly across the middle half of an overlap, leaving each edge quarter to the neighbour', () => {
    // Two 40-pixel tiles over 60 pixels: they share pixels 20..39; the ramp spans 25..34.
    const [a, b] = featherWeights(planSpans(60, 40, 8), 1) as [Float32Array, Float32Array];
    expect(Array.from(a.subarray(0, 25))).toEqual(new Array(25).fill(1));
    expect(Array.from(a.subarray(35))).toEqual(new Array(5).fill(0));
    expect(a[25]).toBeCloseTo(0.95, 6);
    expect(a[34]).toBeCloseTo(0.05, 6);
    for (let p = 26; p < 35; p++) expect((a[p] as number) - (a[p - 1] as number)).toBeCloseTo(-0.1, 6);
    for (let p = 20; p < 40; p++) expect((a[p] as number) + (b[p - 20] as number)).toBeCloseTo(1, 6);
  });

  it('add up to 1 for any image and valid tile settings (seeded)', () => {
    const random = createRandom(12);
    for (let trial = 0; trial < 200; trial++) {
      const overlap = random.int(0, 40);
      const tile = random.int(2 * overlap + 1, 2 * overlap + 120);
      const length = random.int(1, 1500);
      const spans = planSpans(length, tile, overlap);
      const total = new Float64Array(length);
      featherWeights(spans, 1).forEach((w, i) => {
        w.forEach((v, p) => {
          total[(spans[i] as Span).start + p] += v;
        });
      });
      for (const t of total) expect(t).toBeCloseTo(1, 5);
    }
  });

  it('are all 1 for one tile', () => {
    const [only] = featherWeights([{ start: 0, size: 5 }], 2);
    expect(Array.from(only as Float32Array)).toEqual(new Array(10).fill(1));
  });
});

describe('a tile of a job', () => {
  it('holds the pixels under the tile, and the tile is its canvas', () => {
    const spec = anySize();
    const job: Job = {
      ...jobFor(spec, { width: 4, height: 3 }),
      width: 4,
      height: 3,
      pixels: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i),
    };
    const tile = cropJob(job, { start: 1, size: 2 }, { start: 1, size: 2 });
    expect([tile.width, tile.height, tile.channels]).toEqual([2, 2, 3]);
    // Pixels (1, 1), (2, 1), (1, 2), (2, 2) of the 4-wide image.
    expect(Array.from(tile.pixels)).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
    expect(tile.placement).toMatchObject({ resizeWidth: 2, resizeHeight: 2, offsetX: 0, scaleX: 1 });
    expect(tile.original).toEqual(job.original);
  });
});

describe('the output scale tiles need', () => {
  it('is a whole number per axis, else ROCKET_UNSUPPORTED naming image2image.tile.maxPixels', () => {
    const spec: ImageRocketSpec = anySize();
    expect(outputScale(spec, { width: 10, height: 6 }, { width: 40, height: 24 })).toEqual({ x: 4, y: 4 });
    const err = thrown(() => outputScale(spec, { width: 10, height: 6 }, { width: 25, height: 15 }));
    expect(err.code).toBe('ROCKET_UNSUPPORTED');
    expect(err.message).toContain('image2image.tile.maxPixels');
    expect(thrown(() => outputScale(spec, { width: 10, height: 6 }, { width: 5, height: 3 })).code).toBe(
      'ROCKET_UNSUPPORTED',
    );
  });
});
