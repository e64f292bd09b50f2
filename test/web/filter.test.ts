import { describe, expect, it } from 'vitest';
import { classColour, contrastRatio, relativeLuminance } from '../../web/src/colours.js';
import { featureCount } from '../../web/src/features.js';
import { type Detection, filterDetections, iou, topPredictions } from '../../web/src/filter.js';
import { parseServerTiming, timingRows } from '../../web/src/timing.js';
import { createRandom } from '../helpers/random.js';

const det = (cls: number, confidence: number, x1: number, y1: number, x2: number, y2: number): Detection => ({
  label: `c${cls}`,
  class: cls,
  confidence,
  box: { x1, y1, x2, y2 },
});

function randomDetections(seed: number, n: number): Detection[] {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => {
    const x = r.float(0, 200);
    const y = r.float(0, 200);
    return det(
      r.int(0, 2),
      Math.round(r.float(0.01, 1) * 1e4) / 1e4,
      x,
      y,
      x + r.float(5, 80),
      y + r.float(5, 80),
    );
  });
}

describe('client-side filtering (web/src/filter.ts)', () => {
  it('computes IoU', () => {
    expect(iou(det(0, 1, 0, 0, 10, 10).box, det(0, 1, 5, 0, 15, 10).box)).toBeCloseTo(50 / 150, 10);
    expect(iou(det(0, 1, 0, 0, 10, 10).box, det(0, 1, 20, 20, 30, 30).box)).toBe(0);
    expect(iou(det(0, 1, 0, 0, 0, 0).box, det(0, 1, 0, 0, 0, 0).box)).toBe(0);
  });

  it('filters by confidence, then suppresses same-class overlaps above the IoU threshold', () => {
    const dets = [
      det(0, 0.9, 0, 0, 10, 10),
      det(0, 0.8, 1, 0, 11, 10), // IoU 0.82 with the first: suppressed at 0.7
      det(1, 0.7, 1, 0, 11, 10), // other class: kept
      det(0, 0.6, 5, 0, 15, 10), // IoU 1/3 with the first: kept
      det(0, 0.2, 50, 50, 60, 60), // under the confidence threshold
    ];
    const kept = filterDetections(dets, { confidence: 0.25, iou: 0.7 });
    expect(kept.map((d) => d.confidence)).toEqual([0.9, 0.7, 0.6]);
    expect(filterDetections(dets, { confidence: 0.25, iou: 0.3 }).map((d) => d.confidence)).toEqual([
      0.9, 0.7,
    ]);
    expect(
      filterDetections(dets, { confidence: 0.25, iou: 0.7, classAware: false }).map((d) => d.confidence),
    ).toEqual([0.9, 0.6]);
    expect(filterDetections(dets, { confidence: 0, iou: 1, maxDetections: 2 })).toHaveLength(2);
  });

  it('keeps a greedy NMS result on random scenes: sorted, no kept overlaps, every drop explained', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const dets = randomDetections(seed, 60);
      const f = { confidence: 0.3, iou: 0.45 };
      const kept = filterDetections(dets, f);
      expect(
        kept.every(
          (d, i) =>
            d.confidence >= f.confidence && (i === 0 || (kept[i - 1]?.confidence ?? 1) >= d.confidence),
        ),
      ).toBe(true);
      for (const a of kept)
        for (const b of kept)
          if (a !== b && a.class === b.class) expect(iou(a.box, b.box)).toBeLessThanOrEqual(f.iou);
      for (const d of dets.filter((x) => x.confidence >= f.confidence && !kept.includes(x))) {
        const by = kept.find(
          (k) => k.class === d.class && k.confidence >= d.confidence && iou(k.box, d.box) > f.iou,
        );
        expect(by).toBeDefined();
      }
    }
  });

  it('gives at a higher confidence exactly the lower-confidence result cut at it (why one upload is enough)', () => {
    for (let seed = 21; seed <= 40; seed++) {
      const dets = randomDetections(seed, 60);
      const low = filterDetections(dets, { confidence: 0.05, iou: 0.5 });
      for (const c of [0.25, 0.5, 0.75]) {
        expect(filterDetections(dets, { confidence: c, iou: 0.5 })).toEqual(
          low.filter((d) => d.confidence >= c),
        );
      }
    }
  });

  it('keeps the top-k predictions above the confidence, and always the top-1', () => {
    const preds = [0.05, 0.6, 0.3, 0.05].map((confidence, i) => ({ label: `p${i}`, class: i, confidence }));
    expect(topPredictions(preds, 2, 0).map((p) => p.label)).toEqual(['p1', 'p2']);
    expect(topPredictions(preds, 5, 0.2).map((p) => p.label)).toEqual(['p1', 'p2']);
    expect(topPredictions(preds, 5, 0.9).map((p) => p.label)).toEqual(['p1']);
  });
});

describe('playground helpers', () => {
  it('gives 80 classes distinct colours with label text of WCAG AA contrast', () => {
    const fills = new Set<string>();
    for (let c = 0; c < 80; c++) {
      const { fill, text } = classColour(c);
      fills.add(fill);
      const hue = Number(/hsl\((\d+)/.exec(fill)?.[1]);
      const l = relativeLuminance(hue, 0.9, 0.45);
      expect(contrastRatio(l, text === '#000' ? 0 : 1)).toBeGreaterThanOrEqual(4.5);
    }
    expect(fills.size).toBe(80);
  });

  it('reads Server-Timing and builds the timing rows', () => {
    expect(parseServerTiming('decode;dur=2.5, preprocess;dur=1, inference;dur=30.25, total;dur=40')).toEqual({
      decode: 2.5,
      preprocess: 1,
      inference: 30.25,
      total: 40,
    });
    expect(timingRows({ decodeMs: 2, inferenceMs: 3, totalMs: 6 }, 9)).toEqual([
      ['Decode', 2],
      ['Inference', 3],
      ['Total (server)', 6],
      ['Round trip', 9],
    ]);
    expect(timingRows({ inferenceMs: 3, totalMs: 4 }, 5).map((r) => r[0])).toEqual([
      'Inference',
      'Total (server)',
      'Round trip',
    ]);
  });

  it("counts a tabular model's features from its input shape", () => {
    expect(featureCount([-1, 4])).toBe(4);
    expect(featureCount([-1, -1])).toBe(1);
  });
});
