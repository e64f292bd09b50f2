/**
 * The pure-TypeScript kernels: the specification the C++ addon (`native/src`) must match bit for bit
 * (softmax up to the last ulp of `exp`; nmsRotated and segmentMask up to the last ulp of `cos`, `sin`,
 * `log` and `exp`, which can change a decision only for a value within an ulp of its threshold).
 * Every check, its order and its message is mirrored there.
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
  atMost,
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
import { fillPolygons } from './fill-polygons.js';
import { byScore, nms } from './nms.js';
import { resizeLinear } from './resize.js';
import { decodeRetinaface } from './retinaface.js';
import { nmsRotated } from './rotated-nms.js';
import { decodeScrfd } from './scrfd.js';
import { segmentMask } from './segment-mask.js';
import type { Candidates, Kernels, NormalizeOptions, YoloDecodeOptions } from './types.js';
import { CHANNEL_ORDERS, YOLO_LAYOUTS } from './types.js';
import { decodeYolox } from './yolox.js';
import { decodeYunet } from './yunet.js';

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
  atMost(x0 + w, W, 'dstWidth', 'options.offsetX + options.srcWidth');
  atMost(y0 + h, H, 'dstHeight', 'options.offsetY + options.srcHeight');

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

/**
 * Reference {@link Kernels.decodeYolo}. With `numExtras` (v8 only), the values after the class
 * scores are copied as they are, numExtras floats per kept candidate, into `out.extras`.
 */
function decodeYolo(output: Float32Array, options: YoloDecodeOptions, out: Candidates): number {
  const f = typed<Float32Array>(output, 'a Float32Array', 'output');
  const o = object(options, 'options');
  const layout = field<string>(o, 'options', 'layout', 'one of v8, v5', oneOf(YOLO_LAYOUTS));
  const nc = positive(o, 'options', 'numClasses');
  const n = count(o, 'options', 'numAnchors');
  const conf = numeric(o, 'options', 'confThreshold');
  const ne = o.numExtras === undefined ? 0 : count(o, 'options', 'numExtras');
  const v5 = layout === 'v5';
  if (v5 && ne > 0) throw new RangeError(expected('0 (layout v5)', 'options.numExtras', ne));
  const r = candidates(out, 0, ne);
  const len = v5 ? n * (5 + nc) : (4 + nc + ne) * n;
  const rows = ne > 0 ? '4 + numClasses + numExtras' : '4 + numClasses';
  const shape = v5 ? 'numAnchors * (5 + numClasses)' : `(${rows}) * numAnchors`;
  exactly(f.length, len, `floats (${shape})`, 'output.length');
  checkCapacity(r, n, 'numAnchors');
  if (ne > 0) atLeast(r.extras.length, ne * n, 'floats (numExtras * numAnchors)', 'out.extras.length');

  // Attribute `a` of anchor `i` lives at i * anchorStride + a * attrStride:
  // v8 is [4 + C + E][N] (attribute rows of N anchors), v5 is [N][5 + C] (one row per anchor).
  const [anchorStride, attrStride, first] = v5 ? [5 + nc, 1, 5] : [1, n, 4];
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const at = (a: number) => f[i * anchorStride + a * attrStride];
    const best = bestClass(f, i * anchorStride + first * attrStride, attrStride, nc);
    // v5: the best class is the argmax of the class scores; its score is objectness × class score.
    const score = v5 ? Math.fround(at(4) * at(first + best)) : at(first + best);
    if (!(score > conf)) continue;
    putCentred(r.boxes, kept, at(0), at(1), at(2) / 2, at(3) / 2);
    for (let e = 0; e < ne; e++) r.extras[kept * ne + e] = at(first + nc + e);
    r.scores[kept] = score;
    r.classes[kept++] = best;
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
  resizeLinear,
  decodeYolo,
  decodeEnd2end,
  decodeBoxes,
  decodeYolox,
  decodeScrfd,
  decodeYunet,
  decodeRetinaface,
  nms,
  nmsRotated,
  segmentMask,
  fillPolygons,
  softmax,
  topK,
});
