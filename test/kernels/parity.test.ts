// Seeded differential tests: the native addon against the TypeScript reference at boundary sizes.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Kernels, loadKernels, type NormalizeOptions } from '../../src/kernels/index.js';
import {
  buffers,
  expectClose,
  expectIdentical,
  expectSameCandidates,
  message,
  SIZES,
} from '../helpers/kernels.js';
import { createRandom } from '../helpers/random.js';

// The kernels other than softmax are designed to be bit-exact.

describe('native kernels agree with the reference', () => {
  let native: Kernels;
  const ref = loadKernels('reference');
  beforeAll(() => {
    native = loadKernels('native');
  });

  function normalizeBoth(src: Uint8Array, o: NormalizeOptions, label: string): void {
    const size = (o.channelOrder === 'gray' ? 1 : 3) * o.dstWidth * o.dstHeight;
    const [a, b] = [new Float32Array(size), new Float32Array(size)];
    ref.normalizeToChw(src, a, o);
    native.normalizeToChw(src, b, o);
    expectIdentical(b, a, label);
  }

  it.each(SIZES)('normalizeToChw at width %i', (width) => {
    const r = createRandom(width);
    for (const height of [1, width, r.pick(SIZES)]) {
      const channelOrder = r.pick(['rgb', 'bgr', 'gray'] as const);
      const srcChannels = channelOrder === 'gray' ? 1 : r.pick([3, 4]);
      const [dstWidth, dstHeight] = [width + r.int(0, 5), height + r.int(0, 5)];
      const n = channelOrder === 'gray' ? 1 : 3;
      const o: NormalizeOptions = {
        srcWidth: width,
        srcHeight: height,
        srcChannels,
        dstWidth,
        dstHeight,
        offsetX: r.int(0, dstWidth - width),
        offsetY: r.int(0, dstHeight - height),
        channelOrder,
        scale: r.pick([1, 1 / 255, r.float(0, 1)]),
        mean: Array.from({ length: n }, () => r.float(-1, 128)),
        std: Array.from({ length: n }, () => r.float(0.01, 64)),
        padValue: r.int(0, 255),
      };
      normalizeBoth(r.bytes(width * height * srcChannels), o, `${width}x${height} ${channelOrder}`);
    }
  });

  it('normalizeToChw on a realistic 640×640 letterbox', () => {
    const r = createRandom(640);
    const o: NormalizeOptions = {
      srcWidth: 640,
      srcHeight: 427,
      srcChannels: 3,
      dstWidth: 640,
      dstHeight: 640,
      offsetX: 0,
      offsetY: 106,
      channelOrder: 'rgb',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      padValue: 114,
    };
    normalizeBoth(r.bytes(640 * 427 * 3), o, 'letterbox');
  });

  const anchors = [0, ...SIZES, 8400];
  it.each(anchors.flatMap((n) => [1, 80].map((c) => [n, c])))('decodeYolo with N=%i, C=%i', (n, c) => {
    const r = createRandom(n * 100 + c);
    for (const layout of ['v8', 'v5'] as const) {
      const rows = layout === 'v8' ? 4 + c : 5 + c;
      const quantize = r.next() < 0.5; // coarse scores make class ties and threshold hits likely
      const output = new Float32Array(rows * n);
      for (let i = 0; i < n; i++) {
        for (let attr = 0; attr < rows; attr++) {
          const score = quantize ? r.int(0, 8) / 8 : r.next();
          output[layout === 'v8' ? attr * n + i : i * rows + attr] = attr < 4 ? r.float(0, 640) : score;
        }
      }
      const o = { layout, numClasses: c, numAnchors: n, confThreshold: r.pick([0.25, 0.5, r.float(0, 0.6)]) };
      const [a, b] = buffers(n);
      const count = ref.decodeYolo(output, o, a);
      expect(native.decodeYolo(output, o, b), `${layout} count`).toBe(count);
      expectSameCandidates(b, a, layout);
    }
  });

  it.each([...SIZES, 300, 1000])('nms over %i random boxes', (count) => {
    const r = createRandom(count + 7);
    for (let round = 0; round < 4; round++) {
      const boxes = new Float32Array(4 * count);
      for (let i = 0; i < count; i++) {
        const [cx, cy, w, h] = [r.float(0, 200), r.float(0, 200), r.float(-5, 80), r.float(-5, 80)];
        boxes.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 4 * i);
      }
      const scores = Float32Array.from({ length: count }, () => r.int(0, 16) / 16);
      const classes = Int32Array.from({ length: count }, () => r.int(0, 2));
      const options = {
        count,
        iouThreshold: r.pick([0, 0.45, 0.5, r.float(0, 1)]),
        maxDetections: r.pick([count, 1, 10, 300]),
        classAware: r.next() < 0.5,
      };
      const [a, b] = [new Int32Array(count), new Int32Array(count)];
      const n = ref.nms(boxes, scores, classes, options, a);
      expect(native.nms(boxes, scores, classes, options, b)).toBe(n);
      expect(Array.from(b.subarray(0, n))).toEqual(Array.from(a.subarray(0, n)));
    }
  });

  it.each([...SIZES, 1000])('softmax and topK over %i values', (length) => {
    const r = createRandom(length + 11);
    for (const spread of [1, 50, 1e4]) {
      const values = r.floats(length, -spread, spread);
      const [a, b] = [new Float32Array(length), new Float32Array(length)];
      ref.softmax(values, a);
      native.softmax(values, b);
      expectClose(b, a, `softmax spread ${spread}`);
      const ties = values.map((v) => Math.round(v / spread) * spread);
      const k = r.int(0, length + 2);
      const [ia, ib] = [new Int32Array(k), new Int32Array(k)];
      expect(native.topK(ties, k, ib)).toBe(ref.topK(ties, k, ia));
      expect(Array.from(ib)).toEqual(Array.from(ia));
    }
  });

  const odd: unknown[] = [
    1.5,
    -1,
    -0.25,
    1e21,
    2 ** 53,
    1.2345e-7,
    0.000001,
    123456789.125,
    5e-324,
    1.7976931348623157e308,
  ];
  const strange: unknown[] = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    'a"b\\c\n\u0001',
    '',
    true,
    null,
    undefined,
  ];
  const objects: unknown[] = [{}, [], () => 1, new Map(), Symbol('s'), 10n, new Float32Array(1)];
  it.each([...odd, ...strange, ...objects].map((v, i) => [`${typeof v} #${i}`, v]))(
    'throws the same message for option value %s',
    (_, value) => {
      const o = {
        srcWidth: value,
        srcHeight: 1,
        srcChannels: 3,
        dstWidth: 1,
        dstHeight: 1,
        offsetX: 0,
      } as never;
      const run = (k: Kernels) => message(() => k.normalizeToChw(new Uint8Array(3), new Float32Array(3), o));
      expect(run(ref)).toMatch(/^(Type|Range)Error: Expected .* for options\.srcWidth but received /);
      expect(run(native)).toBe(run(ref));
    },
  );
});
