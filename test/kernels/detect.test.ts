import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Kernels,
  loadKernels,
  type NmsOptions,
  type YoloDecodeOptions,
} from '../../src/kernels/index.js';
import { candidates, decoded, keptBy } from '../helpers/kernels.js';

const f = Math.fround;

function decode(k: Kernels, output: number[], o: YoloDecodeOptions, capacity = o.numAnchors) {
  const out = candidates(capacity);
  return decoded(out, k.decodeYolo(Float32Array.from(output), o, out));
}

// v8 head, N = 3 anchors, C = 2 classes: rows cx, cy, w, h, class 0, class 1.
const V8 = [10, 50, 100, 20, 50, 0, 4, 10, 2, 6, 10, 2, 0.9, 0.2, 0.6, 0.1, 0.3, 0.7];
const v8 = (confThreshold: number): YoloDecodeOptions => ({
  layout: 'v8',
  numClasses: 2,
  numAnchors: 3,
  confThreshold,
});

describe.each(['reference', 'native'] as const)('%s decodeYolo', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });

  it('transposes a v8 head and converts cxcywh to xyxy', () => {
    expect(decode(k, V8, v8(0.5))).toEqual({
      boxes: [8, 17, 12, 23, 99, -1, 101, 1],
      scores: [f(0.9), f(0.7)],
      classes: [0, 1],
    });
  });

  it('multiplies objectness into v5 class scores', () => {
    const v5 = [10, 10, 4, 4, 0.5, 0.5, 1, 20, 20, 2, 2, 1, 0.75, 0.25, 0, 0, 2, 2, 0.25, 1, 1];
    const o: YoloDecodeOptions = { layout: 'v5', numClasses: 2, numAnchors: 3, confThreshold: 0.25 };
    expect(decode(k, v5, o)).toEqual({
      boxes: [8, 8, 12, 12, 19, 19, 21, 21],
      scores: [0.5, 0.75],
      classes: [1, 0],
    });
  });

  it('keeps only scores strictly above the threshold and breaks class ties by lowest index', () => {
    const head = [0, 0, 2, 2, 0.5, 0.5];
    const o: YoloDecodeOptions = { layout: 'v8', numClasses: 2, numAnchors: 1, confThreshold: 0.5 };
    expect(decode(k, head, o).scores).toEqual([]);
    expect(decode(k, head, { ...o, confThreshold: 0.4999 })).toEqual({
      boxes: [-1, -1, 1, 1],
      scores: [0.5],
      classes: [0],
    });
  });

  it('handles a single class and zero anchors', () => {
    expect(decode(k, [4, 4, 2, 2, 0.75], { ...v8(0), numClasses: 1, numAnchors: 1 }).classes).toEqual([0]);
    expect(decode(k, [], { ...v8(0), numAnchors: 0 }).scores).toEqual([]);
  });

  it('validates the head, the options and the output capacity', () => {
    expect(() => decode(k, V8.slice(1), v8(0))).toThrowError(
      new RangeError('Expected 18 floats ((4 + numClasses) * numAnchors) for output.length but received 17'),
    );
    expect(() => decode(k, V8, { ...v8(0), layout: 'v5' })).toThrowError(
      new RangeError('Expected 21 floats (numAnchors * (5 + numClasses)) for output.length but received 18'),
    );
    expect(() => decode(k, V8, v8(0), 2)).toThrowError(
      new RangeError('Expected at least 12 floats (4 * numAnchors) for out.boxes.length but received 8'),
    );
    expect(() => decode(k, V8, { ...v8(0), layout: 'v7' as never })).toThrowError(
      new RangeError('Expected one of v8, v5 for options.layout but received "v7"'),
    );
    expect(() => decode(k, V8, { ...v8(0), numClasses: 0 })).toThrowError(
      new RangeError('Expected a positive integer for options.numClasses but received 0'),
    );
    expect(() => decode(k, V8, v8(Number.NaN))).toThrowError(
      new RangeError('Expected a number for options.confThreshold but received null'),
    );
    const out = { boxes: new Float32Array(12), scores: new Float32Array(3), classes: new Float32Array(3) };
    expect(() => k.decodeYolo(Float32Array.from(V8), v8(0), out as never)).toThrowError(
      new TypeError('Expected an Int32Array for out.classes but received "[object Float32Array]"'),
    );
  });
});

describe.each(['reference', 'native'] as const)('%s nms', (kind) => {
  let k: Kernels;
  beforeAll(() => {
    k = loadKernels(kind);
  });
  const boxes = [
    [0, 0, 10, 10],
    [1, 1, 11, 11],
    [1, 1, 11, 11],
    [50, 50, 60, 60],
  ];

  it('suppresses within a class when class-aware, across classes when agnostic', () => {
    expect(keptBy(k, 'nms', boxes, [0.9, 0.8, 0.7, 0.6], [0, 0, 1, 0])).toEqual([0, 2, 3]);
    expect(keptBy(k, 'nms', boxes, [0.9, 0.8, 0.7, 0.6], [0, 0, 1, 0], { classAware: false })).toEqual([
      0, 3,
    ]);
  });

  it('orders by score, then by index on ties', () => {
    expect(
      keptBy(k, 'nms', [boxes[0], boxes[3], boxes[0]] as number[][], [0.5, 0.9, 0.5], [0, 0, 0]),
    ).toEqual([1, 0]);
    expect(keptBy(k, 'nms', boxes, [0.5, 0.5, 0.5, 0.5], [0, 1, 2, 3])).toEqual([0, 1, 2, 3]);
  });

  it('suppresses only above the threshold (strictly)', () => {
    const pair = [
      [0, 0, 2, 1],
      [0, 0, 1, 1],
    ];
    expect(keptBy(k, 'nms', pair, [0.9, 0.8], [0, 0], { iouThreshold: 0.5 })).toEqual([0, 1]);
    expect(keptBy(k, 'nms', pair, [0.9, 0.8], [0, 0], { iouThreshold: 0.49 })).toEqual([0]);
  });

  it('treats zero-union and inverted boxes as IoU 0', () => {
    const points = [
      [5, 5, 5, 5],
      [5, 5, 5, 5],
      [10, 10, 0, 0],
      [0, 0, 10, 10],
    ];
    expect(keptBy(k, 'nms', points, [0.9, 0.8, 0.7, 0.6], [0, 0, 0, 0], { iouThreshold: 0 })).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it('stops at maxDetections and honours count', () => {
    expect(keptBy(k, 'nms', boxes, [0.1, 0.2, 0.3, 0.4], [0, 1, 2, 3], { maxDetections: 2 })).toEqual([3, 2]);
    expect(keptBy(k, 'nms', boxes, [0.1, 0.2, 0.3, 0.4], [0, 1, 2, 3], { maxDetections: 0 })).toEqual([]);
    expect(keptBy(k, 'nms', boxes, [0.1, 0.2, 0.3, 0.4], [0, 1, 2, 3], { count: 2 })).toEqual([1, 0]);
    expect(keptBy(k, 'nms', [], [], [])).toEqual([]);
  });

  it('validates lengths and options', () => {
    const b = new Float32Array(12);
    const s = new Float32Array(4);
    const c = new Int32Array(4);
    const o: NmsOptions = { count: 4, iouThreshold: 0.5, maxDetections: 2, classAware: true };
    expect(() => k.nms(b, s, c, o, new Int32Array(2))).toThrowError(
      new RangeError('Expected at least 16 floats (4 * count) for boxes.length but received 12'),
    );
    expect(() => k.nms(new Float32Array(16), s, c, o, new Int32Array(1))).toThrowError(
      new RangeError(
        'Expected at least 2 entries (min(count, maxDetections)) for outIndices.length but received 1',
      ),
    );
    expect(() => k.nms(b, s, c, { ...o, classAware: 'yes' as never }, new Int32Array(2))).toThrowError(
      new RangeError('Expected a boolean for options.classAware but received "yes"'),
    );
    expect(() => k.nms(b, s, new Uint8Array(4) as never, o, new Int32Array(2))).toThrowError(
      new TypeError('Expected an Int32Array for classes but received "[object Uint8Array]"'),
    );
  });
});
