/**
 * The pure-TypeScript kernels: the specification the C++ addon (`native/src`) must match bit for bit
 * (softmax up to the last ulp of `exp`). Every check, its order and its message is mirrored there.
 *
 * Precision: arithmetic is done in float64 on float32 inputs and rounded once when stored into a
 * Float32Array. For + − × ÷ this equals float32 arithmetic (53 ≥ 2·24 + 2, so double rounding is
 * innocuous), and the C++ side performs the same operations in the same order in `double`.
 */

import { expected } from '../errors.js';
import { decodeBoxes } from './boxes.js';
import { bestClass, candidates, checkCapacity, putCentred } from './candidates.js';
import {
  atLeast,
  count,
  exactly,
  field,
  finite,
  isCount,
  numeric,
  object,
  oneOf,
  perChannel,
  positive,
  shown,
  typed,
} from './checks.js';
import { decodeEnd2end } from './end2end.js';
import { decodeRetinaface } from './retinaface.js';
import { decodeScrfd } from './scrfd.js';
import type { Candidates, Kernels, NmsOptions, NormalizeOptions, YoloDecodeOptions } from './types.js';
import { CHANNEL_ORDERS, YOLO_LAYOUTS } from './types.js';
import { decodeYolox } from './yolox.js';
import { decodeYunet } from './yunet.js';

/** Score order shared by nms and topK: descending, NaN lowest, then index ascending. */
function byScore(scores: Float32Array): (a: number, b: number) => number {
  return (a, b) => {
    const sa = Number.isNaN(scores[a]) ? -Infinity : scores[a];
    const sb = Number.isNaN(scores[b]) ? -Infinity : scores[b];
    return sa > sb ? -1 : sa < sb ? 1 : a - b;
  };
}

// Not Math.max/min: these mirror the C++ comparisons exactly, NaN included.
const max = (a: number, b: number) => (a > b ? a : b);
const min = (a: number, b: number) => (a < b ? a : b);
const extent = (lo: number, hi: number) => (hi > lo ? hi - lo : 0);

/** IoU of boxes i and j (xyxy) in float64; inverted boxes have area 0; 0 when the union is not > 0. */
function iou(b: Float32Array, i: number, j: number): number {
  const [ax1, ay1, ax2, ay2] = [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
  const [bx1, by1, bx2, by2] = [b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]];
  const areaA = extent(ax1, ax2) * extent(ay1, ay2);
  const areaB = extent(bx1, bx2) * extent(by1, by2);
  const inter = extent(max(ax1, bx1), min(ax2, bx2)) * extent(max(ay1, by1), min(ay2, by2));
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

function normalizeToChw(src: Uint8Array, dst: Float32Array, options: NormalizeOptions): void {
  const s = typed<Uint8Array>(src, 'a Uint8Array', 'src');
  const d = typed<Float32Array>(dst, 'a Float32Array', 'dst');
  const o = object(options, 'options');
  const w = count(o, 'options', 'srcWidth');
  const h = count(o, 'options', 'srcHeight');
  const c = count(o, 'options', 'srcChannels');
  const W = count(o, 'options', 'dstWidth');
  const H = count(o, 'options', 'dstHeight');
  const x0 = count(o, 'options', 'offsetX');
  const y0 = count(o, 'options', 'offsetY');
  const order = field<string>(o, 'options', 'channelOrder', 'one of rgb, bgr, gray', oneOf(CHANNEL_ORDERS));
  const outC = order === 'gray' ? 1 : 3;
  if (order === 'gray' ? c !== 1 : c !== 3 && c !== 4) {
    const what = order === 'gray' ? '1 (channelOrder gray)' : `3 or 4 (channelOrder ${order})`;
    throw new RangeError(expected(what, 'options.srcChannels', c));
  }
  const scale = finite(o, 'options', 'scale');
  const pad = finite(o, 'options', 'padValue');
  const mean = perChannel(o.mean, outC, 'options.mean', false);
  const std = perChannel(o.std, outC, 'options.std', true);
  exactly(s.length, w * h * c, 'bytes (srcWidth * srcHeight * srcChannels)', 'src.length');
  const plane = W * H;
  exactly(d.length, outC * plane, 'floats (outChannels * dstWidth * dstHeight)', 'dst.length');
  if (x0 + w > W)
    throw new RangeError(expected(`at most ${W} (dstWidth)`, 'options.offsetX + options.srcWidth', x0 + w));
  if (y0 + h > H)
    throw new RangeError(expected(`at most ${H} (dstHeight)`, 'options.offsetY + options.srcHeight', y0 + h));

  const from = order === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const lut = new Float32Array(256);
  for (let ch = 0; ch < outC; ch++) {
    for (let p = 0; p < 256; p++) lut[p] = (p * scale - mean[ch]) / std[ch];
    d.fill((pad * scale - mean[ch]) / std[ch], ch * plane, (ch + 1) * plane);
    for (let y = 0; y < h; y++) {
      const row = ch * plane + (y0 + y) * W + x0;
      const base = y * w * c + from[ch];
      for (let x = 0; x < w; x++) d[row + x] = lut[s[base + x * c]];
    }
  }
}

function decodeYolo(output: Float32Array, options: YoloDecodeOptions, out: Candidates): number {
  const f = typed<Float32Array>(output, 'a Float32Array', 'output');
  const o = object(options, 'options');
  const layout = field<string>(o, 'options', 'layout', 'one of v8, v5', oneOf(YOLO_LAYOUTS));
  const nc = positive(o, 'options', 'numClasses');
  const n = count(o, 'options', 'numAnchors');
  const conf = numeric(o, 'options', 'confThreshold');
  const r = candidates(out);
  const v5 = layout === 'v5';
  const len = v5 ? n * (5 + nc) : (4 + nc) * n;
  const shape = v5 ? 'numAnchors * (5 + numClasses)' : '(4 + numClasses) * numAnchors';
  exactly(f.length, len, `floats (${shape})`, 'output.length');
  checkCapacity(r, n, 'numAnchors');

  // Attribute `a` of anchor `i` lives at i * anchorStride + a * attrStride:
  // v8 is [4 + C][N] (attribute rows of N anchors), v5 is [N][5 + C] (one row per anchor).
  const [anchorStride, attrStride, first] = v5 ? [5 + nc, 1, 5] : [1, n, 4];
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const at = (a: number) => f[i * anchorStride + a * attrStride];
    const best = bestClass(f, i * anchorStride + first * attrStride, attrStride, nc);
    // v5: the best class is the argmax of the class scores; its score is objectness × class score.
    const score = v5 ? Math.fround(at(4) * at(first + best)) : at(first + best);
    if (!(score > conf)) continue;
    putCentred(r.boxes, kept, at(0), at(1), at(2) / 2, at(3) / 2);
    r.scores[kept] = score;
    r.classes[kept++] = best;
  }
  return kept;
}

function nms(b: Float32Array, s: Float32Array, c: Int32Array, options: NmsOptions, out: Int32Array): number {
  const boxes = typed<Float32Array>(b, 'a Float32Array', 'boxes');
  const scores = typed<Float32Array>(s, 'a Float32Array', 'scores');
  const classes = typed<Int32Array>(c, 'an Int32Array', 'classes');
  const o = object(options, 'options');
  const outIndices = typed<Int32Array>(out, 'an Int32Array', 'outIndices');
  const n = count(o, 'options', 'count');
  const threshold = numeric(o, 'options', 'iouThreshold');
  const maxDetections = count(o, 'options', 'maxDetections');
  const classAware = field<boolean>(o, 'options', 'classAware', 'a boolean', (v) => typeof v === 'boolean');
  atLeast(boxes.length, 4 * n, 'floats (4 * count)', 'boxes.length');
  atLeast(scores.length, n, 'floats (count)', 'scores.length');
  atLeast(classes.length, n, 'entries (count)', 'classes.length');
  atLeast(
    outIndices.length,
    Math.min(n, maxDetections),
    'entries (min(count, maxDetections))',
    'outIndices.length',
  );

  const order = Array.from({ length: n }, (_, i) => i).sort(byScore(scores));
  const suppressed = new Uint8Array(n);
  let kept = 0;
  for (let a = 0; a < n && kept < maxDetections; a++) {
    const i = order[a];
    if (suppressed[i]) continue;
    outIndices[kept++] = i;
    for (let z = a + 1; z < n; z++) {
      const j = order[z];
      if (suppressed[j] || (classAware && classes[i] !== classes[j])) continue;
      if (iou(boxes, i, j) > threshold) suppressed[j] = 1;
    }
  }
  return kept;
}

/** Softmax with float64 accumulation: exp(x − max) / Σ exp(x − max), each stored as float32. */
function softmax(src: Float32Array, dst: Float32Array): void {
  const s = typed<Float32Array>(src, 'a Float32Array', 'src');
  const d = typed<Float32Array>(dst, 'a Float32Array', 'dst');
  exactly(d.length, s.length, 'floats (src.length)', 'dst.length');
  let m = -Infinity;
  for (const v of s) if (v > m) m = v;
  const e = new Float64Array(s.length);
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    e[i] = Math.exp(s[i] - m);
    sum += e[i];
  }
  for (let i = 0; i < s.length; i++) d[i] = e[i] / sum;
}

function topK(values: Float32Array, k: number, outIndices: Int32Array): number {
  const v = typed<Float32Array>(values, 'a Float32Array', 'values');
  if (!isCount(k)) throw new RangeError(expected('a non-negative integer', 'k', shown(k)));
  const out = typed<Int32Array>(outIndices, 'an Int32Array', 'outIndices');
  const n = Math.min(k, v.length);
  atLeast(out.length, n, 'entries (min(k, values.length))', 'outIndices.length');
  const order = Array.from({ length: v.length }, (_, i) => i).sort(byScore(v));
  for (let i = 0; i < n; i++) out[i] = order[i];
  return n;
}

/** The reference implementation of {@link Kernels}: the specification of every kernel. */
export const referenceKernels: Kernels = Object.freeze({
  kind: 'reference',
  normalizeToChw,
  decodeYolo,
  decodeEnd2end,
  decodeBoxes,
  decodeYolox,
  decodeScrfd,
  decodeYunet,
  decodeRetinaface,
  nms,
  softmax,
  topK,
});
