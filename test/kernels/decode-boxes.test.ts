import { beforeAll, describe, expect, it } from 'vitest';
import { type BoxesDecodeOptions, type Kernels, loadKernels } from '../../src/kernels/index.js';
import { candidates, decoded, message } from '../helpers/kernels.js';

const f = Math.fround;

function decode(
  k: Kernels,
  boxes: number[][],
  scores: number[][],
  o: Partial<BoxesDecodeOptions> = {},
  labels: number[] | null = null,
) {
  const count = boxes.length;
  const options: BoxesDecodeOptions = {
    count,
    numClasses: scores[0]?.length ?? 1,
    boxFormat: 'xyxy',
    scaleX: 1,
    scaleY: 1,
    activation: 'none',
    background: -1,
    confThreshold: 0,
    ...o,
  };
  const out = candidates(count);
  const [b, s] = [Float32Array.from(boxes.flat()), Float32Array.from(scores.flat())];
  return decoded(out, k.decodeBoxes(b, s, labels && Int32Array.from(labels), options, out));
}

const BOX = [[10, 20, 30, 40]];

describe.each(['reference', 'native'] as const)('%s decodeBoxes', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('reads each box format and scales x and y', () => {
    const scale = { scaleX: 2, scaleY: 0.5 };
    expect(decode(k, BOX, [[0.9]], { boxFormat: 'xyxy' }).boxes).toEqual([10, 20, 30, 40]);
    expect(decode(k, BOX, [[0.9]], { boxFormat: 'xyxy', ...scale }).boxes).toEqual([20, 10, 60, 20]);
    // Centre (10, 20), size 30 × 40.
    expect(decode(k, BOX, [[0.9]], { boxFormat: 'cxcywh' }).boxes).toEqual([-5, 0, 25, 40]);
    expect(decode(k, BOX, [[0.9]], { boxFormat: 'cxcywh', ...scale }).boxes).toEqual([-10, 0, 50, 20]);
    // y1 = 10, x1 = 20, y2 = 30, x2 = 40.
    expect(decode(k, BOX, [[0.9]], { boxFormat: 'yxyx' }).boxes).toEqual([20, 10, 40, 30]);
    expect(decode(k, BOX, [[0.9]], { boxFormat: 'yxyx', ...scale }).boxes).toEqual([40, 5, 80, 15]);
  });

  it('converts and scales in float64 and rounds once on store', () => {
    const [cx, cy, w, h] = [0.5, 0.25, 0.3, 0.1].map(f) as [number, number, number, number];
    const o = { boxFormat: 'cxcywh', scaleX: 640, scaleY: 1 / 3 } as const;
    expect(decode(k, [[cx, cy, w, h]], [[0.9]], o).boxes).toEqual([
      f((cx - w / 2) * 640),
      f((cy - h / 2) * (1 / 3)),
      f((cx + w / 2) * 640),
      f((cy + h / 2) * (1 / 3)),
    ]);
    // Rounding x1 to float32 before scaling would give a different value here.
    expect(f((cy - h / 2) * (1 / 3))).not.toBe(f(f(cy - h / 2) * (1 / 3)));
  });

  it('takes the best class without activation, lowest index on ties', () => {
    const boxes = [BOX[0], BOX[0], BOX[0]] as number[][];
    expect(
      decode(k, boxes, [
        [0.1, 0.7, 0.2],
        [0.4, 0.3, 0.4],
        [0.6, 0.6, 0.6],
      ]),
    ).toEqual({
      boxes: [...BOX[0], ...BOX[0], ...BOX[0]],
      scores: [f(0.7), f(0.4), f(0.6)],
      classes: [1, 0, 0],
    });
  });

  it('applies a sigmoid per value', () => {
    const got = decode(
      k,
      [BOX[0], BOX[0]] as number[][],
      [
        [0, -1],
        [-3, 2],
      ],
      { activation: 'sigmoid', confThreshold: 0.4 },
    );
    expect(got.classes).toEqual([0, 1]);
    expect(got.scores[0]).toBe(0.5);
    expect(got.scores[1]).toBeCloseTo(0.8807970779778823, 7);
    expect(decode(k, BOX, [[0]], { activation: 'sigmoid', confThreshold: 0.5 }).scores).toEqual([]);
  });

  it('applies a softmax over the whole row, background column included', () => {
    const equal = decode(k, BOX, [[2, 2, 2, 2]], { activation: 'softmax' });
    expect(equal).toEqual({ boxes: BOX[0], scores: [0.25], classes: [0] });
    const twoToOne = decode(k, BOX, [[0, Math.log(3)]], { activation: 'softmax' });
    expect(twoToOne.classes).toEqual([1]);
    expect(twoToOne.scores[0]).toBeCloseTo(0.75, 6);
    // The background takes almost all the mass; the best class is column 1 (class 0).
    const bg = decode(k, BOX, [[5, 0, 0]], { activation: 'softmax', background: 0 });
    expect(bg.classes).toEqual([0]);
    expect(bg.scores[0]).toBeCloseTo(1 / (Math.exp(5) + 2), 8);
    // Max-subtracted: huge logits do not overflow.
    const big = decode(k, BOX, [[1000, 1000]], { activation: 'softmax' });
    expect(big).toEqual({ boxes: BOX[0], scores: [0.5], classes: [0] });
  });

  it('never picks the background and numbers the columns after it one lower', () => {
    const boxes = [BOX[0], BOX[0]] as number[][];
    const rows = [
      [0.1, 0.2, 0.9, 0.3],
      [0.5, 0.2, 0.9, 0.3],
    ];
    expect(decode(k, boxes, rows, { background: 2 }).classes).toEqual([2, 0]);
    expect(decode(k, boxes, rows, { background: 2 }).scores).toEqual([f(0.3), f(0.5)]);
    expect(decode(k, boxes, rows, { background: 0 }).classes).toEqual([1, 1]);
    expect(decode(k, boxes, rows, { background: 3 }).classes).toEqual([2, 2]);
    expect(decode(k, boxes, rows, { background: -1 }).classes).toEqual([2, 2]);
    // Two columns, the background first (SSD) or last (DETR's "no object").
    expect(decode(k, BOX, [[0.9, 0.2]], { background: 0 })).toEqual({
      boxes: BOX[0],
      scores: [f(0.2)],
      classes: [0],
    });
    expect(decode(k, BOX, [[0.9, 0.2]], { background: 1 })).toEqual({
      boxes: BOX[0],
      scores: [f(0.9)],
      classes: [0],
    });
  });

  it('reads the class from labels when they are given', () => {
    const boxes = [BOX[0], [1, 2, 3, 4], [5, 6, 7, 8]];
    const got = decode(k, boxes, [[0.9], [0.8], [0.1]], { confThreshold: 0.5 }, [7, -3, 2]);
    expect(got).toEqual({ boxes: [...BOX[0], 1, 2, 3, 4], scores: [f(0.9), f(0.8)], classes: [7, -3] });
  });

  it('keeps only scores strictly above the threshold', () => {
    expect(decode(k, BOX, [[0.5]], { confThreshold: 0.5 }).scores).toEqual([]);
    expect(decode(k, BOX, [[0.5]], { confThreshold: 0.4999 }).scores).toEqual([0.5]);
    // The threshold is compared with the score rounded to float32.
    expect(decode(k, BOX, [[0.1]], { confThreshold: 0.1 }).scores).toEqual([f(0.1)]);
    expect(decode(k, BOX, [[0.1]], { confThreshold: f(0.1) }).scores).toEqual([]);
  });

  it('never lets a NaN score win or pass the threshold', () => {
    const boxes = [BOX[0], BOX[0], BOX[0]] as number[][];
    const rows = [
      [0.2, Number.NaN, 0.9],
      [Number.NaN, 0.9, 0.8],
      [Number.NaN, Number.NaN, Number.NaN],
    ];
    // As in decodeYolo, a NaN never replaces the best; a NaN in the first eligible column stays the
    // best (nothing is > NaN) and then fails the threshold, so the whole box is dropped.
    expect(decode(k, boxes, rows).classes).toEqual([2]);
    expect(decode(k, boxes, rows, { confThreshold: -Infinity }).classes).toEqual([2]);
    // Background 0: row 0 starts at its NaN column 1 and is dropped; row 1 picks column 1 (class 0).
    expect(decode(k, boxes, rows, { background: 0 }).classes).toEqual([0]);
    expect(decode(k, boxes, rows, { activation: 'sigmoid' }).classes).toEqual([2]);
    expect(decode(k, boxes, rows, { activation: 'softmax', confThreshold: -Infinity }).scores).toEqual([]);
  });

  it('handles zero boxes', () => {
    expect(decode(k, [], [], { numClasses: 3 })).toEqual({ boxes: [], scores: [], classes: [] });
    expect(decode(k, [], [], {}, [])).toEqual({ boxes: [], scores: [], classes: [] });
  });

  it('validates the arguments, the options and the output capacity', () => {
    const b = new Float32Array(8);
    const s = new Float32Array(6);
    const o: BoxesDecodeOptions = {
      count: 2,
      numClasses: 3,
      boxFormat: 'xyxy',
      scaleX: 1,
      scaleY: 1,
      activation: 'none',
      background: -1,
      confThreshold: 0.5,
    };
    const out = { boxes: new Float32Array(8), scores: new Float32Array(2), classes: new Int32Array(2) };
    const one = { ...o, numClasses: 1 };
    const s1 = new Float32Array(2);
    const cases: [() => unknown, string][] = [
      [
        () => k.decodeBoxes(new Float64Array(8) as never, s, null, o, out),
        'TypeError: Expected a Float32Array for boxes but received "[object Float64Array]"',
      ],
      [
        () => k.decodeBoxes(b, [0] as never, null, o, out),
        'TypeError: Expected a Float32Array for scores but received "[object Array]"',
      ],
      [
        () => k.decodeBoxes(b, s, undefined as never, o, out),
        'TypeError: Expected an Int32Array or null for labels but received undefined',
      ],
      [
        () => k.decodeBoxes(b, s, new Uint32Array(2) as never, o, out),
        'TypeError: Expected an Int32Array or null for labels but received "[object Uint32Array]"',
      ],
      [
        () => k.decodeBoxes(b, s, null, 3 as never, out),
        'TypeError: Expected an object for options but received 3',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, count: -2 }, out),
        'RangeError: Expected a non-negative integer for options.count but received -2',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, numClasses: 0 }, out),
        'RangeError: Expected a positive integer for options.numClasses but received 0',
      ],
      [
        () => k.decodeBoxes(b, s, new Int32Array(2), o, out),
        'RangeError: Expected 1 (labels given) for options.numClasses but received 3',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, boxFormat: 'xywh' as never }, out),
        'RangeError: Expected one of xyxy, cxcywh, yxyx for options.boxFormat but received "xywh"',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, scaleX: Infinity }, out),
        'RangeError: Expected a finite number for options.scaleX but received null',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, scaleY: '1' as never }, out),
        'RangeError: Expected a finite number for options.scaleY but received "1"',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, activation: 'relu' as never }, out),
        'RangeError: Expected one of none, sigmoid, softmax for options.activation but received "relu"',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, background: 3 }, out),
        'RangeError: Expected an integer from -1 to 2 for options.background but received 3',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, background: -2 }, out),
        'RangeError: Expected an integer from -1 to 2 for options.background but received -2',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, background: 0.5 }, out),
        'RangeError: Expected an integer from -1 to 2 for options.background but received 0.5',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, background: undefined as never }, out),
        'RangeError: Expected an integer from -1 to 2 for options.background but received undefined',
      ],
      [
        () => k.decodeBoxes(b, s1, null, { ...one, background: 0 }, out),
        'RangeError: Expected at least 2 (background given) for options.numClasses but received 1',
      ],
      [
        () => k.decodeBoxes(b, s, null, { ...o, confThreshold: Number.NaN }, out),
        'RangeError: Expected a number for options.confThreshold but received null',
      ],
      [
        () => k.decodeBoxes(b, s, null, o, null as never),
        'TypeError: Expected an object for out but received null',
      ],
      [
        () => k.decodeBoxes(b, s, null, o, { ...out, boxes: [] as never }),
        'TypeError: Expected a Float32Array for out.boxes but received "[object Array]"',
      ],
      [
        () => k.decodeBoxes(b, s, null, o, { ...out, classes: new Uint8Array(2) as never }),
        'TypeError: Expected an Int32Array for out.classes but received "[object Uint8Array]"',
      ],
      [
        () => k.decodeBoxes(b.subarray(1), s, null, o, out),
        'RangeError: Expected 8 floats (count * 4) for boxes.length but received 7',
      ],
      [
        () => k.decodeBoxes(b, new Float32Array(8), null, o, out),
        'RangeError: Expected 6 floats (count * numClasses) for scores.length but received 8',
      ],
      [
        () => k.decodeBoxes(b, s1, new Int32Array(3), one, out),
        'RangeError: Expected 2 entries (count) for labels.length but received 3',
      ],
      [
        () => k.decodeBoxes(b, s, null, o, { ...out, boxes: new Float32Array(7) }),
        'RangeError: Expected at least 8 floats (4 * count) for out.boxes.length but received 7',
      ],
      [
        () => k.decodeBoxes(b, s, null, o, { ...out, scores: new Float32Array(1) }),
        'RangeError: Expected at least 2 floats (count) for out.scores.length but received 1',
      ],
      [
        () => k.decodeBoxes(b, s, null, o, { ...out, classes: new Int32Array(0) }),
        'RangeError: Expected at least 2 entries (count) for out.classes.length but received 0',
      ],
    ];
    for (const [run, text] of cases) expect(message(run)).toBe(text);
    expect(message(() => k.decodeBoxes(b, s1, new Int32Array(2), one, out))).toBe('no error');
  });
});
