// Seeded differential tests of decodeEnd2end and decodeBoxes: the native addon against the
// TypeScript reference at boundary and realistic sizes.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BOX_FORMATS,
  type BoxesDecodeOptions,
  type Kernels,
  loadKernels,
  SCORE_ACTIVATIONS,
} from '../../src/kernels/index.js';
import { buffers, CLOSE, candidates, expectSameCandidates, message, SIZES } from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';

describe('native decodeEnd2end and decodeBoxes agree with the reference', () => {
  let native: Kernels;
  const ref = loadKernels('reference');
  beforeAll(() => {
    native = loadKernels('native');
  });

  it.each([0, ...SIZES, 300])('decodeEnd2end over %i rows', (numRows) => {
    const r = createRandom(numRows + 101);
    const odd = [2.5, -1, Number.NaN, 1e10, 2 ** 31, 2147483520, -0, Infinity, 0.5];
    for (let round = 0; round < 4; round++) {
      const quantize = round % 2 === 1; // coarse scores make threshold hits likely
      const output = new Float32Array(6 * numRows);
      for (let i = 0; i < numRows; i++) {
        const [x, y] = [r.float(-10, 640), r.float(-10, 640)];
        const score = r.next() < 0.05 ? Number.NaN : quantize ? r.int(0, 8) / 8 : r.next();
        const cls = r.next() < 0.2 ? r.pick(odd) : r.int(0, 79);
        output.set([x, y, x + r.float(-5, 200), y + r.float(-5, 200), score, cls], 6 * i);
      }
      const o = { numRows, confThreshold: r.pick([0.25, 0.5, -Infinity, r.float(0, 0.6)]) };
      const [a, b] = buffers(numRows);
      const count = ref.decodeEnd2end(output, o, a);
      expect(native.decodeEnd2end(output, o, b), 'count').toBe(count);
      expectSameCandidates(b, a, `round ${round}`);
    }
  });

  /** Decodes with both kinds and compares; scores through exp are compared with a tolerance. */
  function boxesBoth(
    boxes: Float32Array,
    scores: Float32Array,
    labels: Int32Array | null,
    o: BoxesDecodeOptions,
    label: string,
  ): number {
    const [a, b] = buffers(o.count);
    const count = ref.decodeBoxes(boxes, scores, labels, o, a);
    expect(native.decodeBoxes(boxes, scores, labels, o, b), `${label}: count`).toBe(count);
    expectSameCandidates(b, a, label, o.activation === 'none' ? {} : { scores: CLOSE });
    return count;
  }

  /** Random boxes in `format` and score rows for `activation` (raw logits, or 0..1 for none). */
  function inputs(
    seed: number,
    count: number,
    numClasses: number,
    o: Partial<BoxesDecodeOptions>,
    coarse?: boolean,
  ) {
    const r = createRandom(seed);
    const boxes = new Float32Array(4 * count);
    for (let i = 0; i < count; i++) {
      const [p, q] = [r.float(-0.1, 1), r.float(-0.1, 1)];
      const [u, w] =
        o.boxFormat === 'cxcywh'
          ? [r.float(0, 0.5), r.float(0, 0.5)]
          : [p + r.float(-0.05, 0.5), q + r.float(-0.05, 0.5)];
      boxes.set([p, q, u, w], 4 * i);
    }
    // Coarse scores make class ties and threshold hits likely.
    const coin = r.next() < 0.5;
    const quantize = coarse ?? coin;
    const scores = new Float32Array(count * numClasses);
    const value = (unit: number) => (o.activation === 'none' ? unit : (unit - 0.5) * 16);
    for (let i = 0; i < count; i++) {
      const row = i * numClasses;
      for (let c = 0; c < numClasses; c++)
        scores[row + c] = value(quantize ? r.int(0, 8) / 8 : r.next() * 0.6);
      // Most rows have one confident column (as trained heads do); a few have a NaN.
      if (r.next() < 0.6) scores[row + r.int(0, numClasses - 1)] = value(quantize ? 1 : r.float(0.6, 1));
      if (r.next() < 0.03) scores[row + r.int(0, numClasses - 1)] = Number.NaN;
    }
    return { r, boxes, scores };
  }

  const shapes = [0, ...SIZES].flatMap((n) => [1, 2, 3, 92].map((c) => [n, c]));
  it.each(shapes)('decodeBoxes with N=%i, C=%i in every format, activation and background', (n, c) => {
    let seed = n * 1000 + c;
    for (const boxFormat of BOX_FORMATS) {
      for (const activation of SCORE_ACTIVATIONS) {
        const backgrounds = c === 1 ? [-1] : [-1, 0, c - 1, Math.floor(c / 2)];
        for (const background of backgrounds) {
          const { r, boxes, scores } = inputs(seed++, n, c, { boxFormat, activation });
          const o: BoxesDecodeOptions = {
            count: n,
            numClasses: c,
            boxFormat,
            scaleX: r.pick([1, 640, r.float(0.1, 1000)]),
            scaleY: r.pick([1, 480, r.float(0.1, 1000)]),
            activation,
            background,
            confThreshold: r.pick([0.25, 0.5, -Infinity, r.float(0, 0.6)]),
          };
          boxesBoth(boxes, scores, null, o, `${boxFormat} ${activation} background ${background}`);
        }
      }
    }
  });

  it.each([0, ...SIZES, 100])('decodeBoxes with labels over %i boxes', (n) => {
    const { r, boxes, scores } = inputs(n + 5000, n, 1, { boxFormat: 'xyxy', activation: 'none' });
    const labels = Int32Array.from({ length: n }, () => r.int(-2, 90));
    for (const activation of SCORE_ACTIVATIONS) {
      const o: BoxesDecodeOptions = {
        count: n,
        numClasses: 1,
        boxFormat: r.pick(BOX_FORMATS),
        scaleX: r.float(1, 1000),
        scaleY: r.float(1, 1000),
        activation,
        background: -1,
        confThreshold: r.pick([0.25, 0.5, r.float(0, 0.6)]),
      };
      boxesBoth(boxes, scores, labels, o, `labels ${activation}`);
    }
  });

  const realistic: [string, number, number, Partial<BoxesDecodeOptions>][] = [
    // UltraFace RFB-320: 4420 priors, scores already softmaxed [background, face], 0..1 corners.
    [
      'UltraFace',
      4420,
      2,
      { boxFormat: 'xyxy', activation: 'none', background: 0, scaleX: 320, scaleY: 240 },
    ],
    // The same head with raw logits.
    [
      'UltraFace logits',
      4420,
      2,
      { boxFormat: 'xyxy', activation: 'softmax', background: 0, scaleX: 320, scaleY: 240 },
    ],
    // DETR: 100 queries × 92 logits ("no object" last), centre-size boxes in 0..1.
    [
      'DETR',
      100,
      92,
      { boxFormat: 'cxcywh', activation: 'softmax', background: 91, scaleX: 800, scaleY: 800 },
    ],
    // SSD-MobileNet (TF): 1917 anchors × 91 sigmoid scores, background first, y-first boxes.
    ['SSD', 1917, 91, { boxFormat: 'yxyx', activation: 'sigmoid', background: 0, scaleX: 300, scaleY: 300 }],
  ];
  it.each(realistic)('decodeBoxes on a realistic %s head (N=%i, C=%i)', (name, n, c, partial) => {
    for (let round = 0; round < 3; round++) {
      const { r, boxes, scores } = inputs(n * 7 + c + round, n, c, partial, round === 2);
      const o: BoxesDecodeOptions = {
        count: n,
        numClasses: c,
        boxFormat: 'xyxy',
        scaleX: 1,
        scaleY: 1,
        activation: 'none',
        background: -1,
        confThreshold: r.pick([0.05, 0.3, 0.7]),
        ...partial,
      };
      const kept = boxesBoth(boxes, scores, null, o, `${name} round ${round}`);
      expect(kept, `${name} round ${round}: some kept`).toBeGreaterThan(0);
    }
  });

  const values: unknown[] = [Number.NaN, -1.5, 2, 1e21, 'a', '', true, null, undefined, {}, [], () => 1, 10n];
  it.each(values.map((v, i) => [`${typeof v} #${i}`, v]))(
    'throws the same message for value %s',
    (_, value) => {
      const out = () => candidates(1);
      const options = {
        count: 1,
        numClasses: 2,
        boxFormat: 'xyxy',
        scaleX: 1,
        scaleY: 1,
        activation: 'none',
        background: -1,
        confThreshold: 0,
      };
      const runs: [string, (k: Kernels) => unknown][] = [
        ...Object.keys(options).map((key): [string, (k: Kernels) => unknown] => [
          `options.${key}`,
          (k) =>
            k.decodeBoxes(
              new Float32Array(4),
              new Float32Array(2),
              null,
              { ...options, [key]: value } as never,
              out(),
            ),
        ]),
        [
          'labels',
          (k) => k.decodeBoxes(new Float32Array(4), new Float32Array(1), value as never, {} as never, out()),
        ],
        [
          'numRows',
          (k) => k.decodeEnd2end(new Float32Array(6), { numRows: value, confThreshold: 0 } as never, out()),
        ],
        [
          'confThreshold',
          (k) => k.decodeEnd2end(new Float32Array(6), { numRows: 1, confThreshold: value } as never, out()),
        ],
      ];
      for (const [name, run] of runs)
        expect(
          message(() => run(native)),
          name,
        ).toBe(message(() => run(ref)));
    },
  );
});
