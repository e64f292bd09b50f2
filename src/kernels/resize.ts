/**
 * Reference {@link Kernels.resizeLinear}: an HWC uint8 image resized as OpenCV's `cv::resize` with
 * INTER_LINEAR computes it for 8-bit images on x86 and ARM (its vectorised path), so that a model
 * sees the pixels its training and reference pipelines (Ultralytics' letterbox, for one) gave it.
 * Mirrored by native/src/resize.cc.
 *
 * - **Coefficients** (11-bit fixed point, per output column and row): the source position of an
 *   output pixel's centre is f = float32((d + 0.5) × scale − 0.5) with scale = 1 / (dst / src) in
 *   float64, its two taps floor(f) and floor(f) + 1, and their weights round(float32(1 − t) × 2048)
 *   and round(t × 2048), t = f − floor(f), rounded half to even. A column before the first source
 *   column or on the last one takes that column alone (t = 0); rows keep their t and read the
 *   nearest existing row for a missing tap.
 * - **Horizontal pass**, per source row: h = s[x0] × w0 + s[x1] × w1 (exact integers).
 * - **Vertical pass**, per output value: (((h0 >> 4) × w0 >> 16) + ((h1 >> 4) × w1 >> 16) + 2) >> 2,
 *   clamped to 0..255. This truncates where OpenCV's scalar code rounds; OpenCV takes the scalar
 *   code for the last values of a row whose length (width × channels) is not a multiple of its
 *   vector width, so those few may differ from it by one level.
 * - **Halving both sides exactly** is, as in OpenCV, an average of each 2 × 2 block:
 *   (a + b + c + d + 2) >> 2.
 *
 * Only the output window (`cropLeft`, `cropTop`, `cropWidth` × `cropHeight`) is computed and
 * written: the whole resized image, or center-crop's part of it.
 */
import { atMost, count, exactly, object, positive, typed } from './checks.js';
import type { ResizeOptions } from './types.js';

const ONE = 2048;

/** Round half to even, as OpenCV's cvRound (the processor's default rounding) does. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One axis's taps and weights for `dst` outputs over `src` inputs (see the file's comment). */
function axis(src: number, dst: number, clampWeights: boolean) {
  const scale = 1 / (dst / src);
  const first = new Int32Array(dst);
  const weights = new Int32Array(dst * 2);
  for (let d = 0; d < dst; d++) {
    const f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    let t = Math.fround(f - s);
    if (clampWeights && s < 0) [s, t] = [0, 0];
    if (clampWeights && s >= src - 1) [s, t] = [src - 1, 0];
    first[d] = s;
    weights[2 * d] = roundHalfEven(Math.fround(1 - t) * ONE);
    weights[2 * d + 1] = roundHalfEven(t * ONE);
  }
  return { first, weights };
}

/** Validates the arguments as the native binding does; returns the typed arrays. */
function checked(src: unknown, dst: unknown, options: unknown) {
  const s = typed<Uint8Array>(src, 'a Uint8Array', 'src');
  const d = typed<Uint8Array>(dst, 'a Uint8Array', 'dst');
  const o = object(options, 'options');
  for (const key of ['srcWidth', 'srcHeight', 'channels', 'dstWidth', 'dstHeight'])
    positive(o, 'options', key);
  const [left, top] = [count(o, 'options', 'cropLeft'), count(o, 'options', 'cropTop')];
  const [width, height] = [positive(o, 'options', 'cropWidth'), positive(o, 'options', 'cropHeight')];
  const { srcWidth, srcHeight, channels, dstWidth, dstHeight } = o as unknown as ResizeOptions;
  exactly(s.length, srcWidth * srcHeight * channels, 'bytes (srcWidth * srcHeight * channels)', 'src.length');
  exactly(d.length, width * height * channels, 'bytes (cropWidth * cropHeight * channels)', 'dst.length');
  atMost(left + width, dstWidth, 'dstWidth', 'options.cropLeft + options.cropWidth');
  atMost(top + height, dstHeight, 'dstHeight', 'options.cropTop + options.cropHeight');
  return { s, d };
}

export function resizeLinear(src: Uint8Array, dst: Uint8Array, options: ResizeOptions): void {
  const { s, d } = checked(src, dst, options);
  const {
    srcWidth: W,
    srcHeight: H,
    channels: c,
    dstWidth,
    dstHeight,
    cropLeft,
    cropTop,
    cropWidth,
  } = options;
  if (W === 2 * dstWidth && H === 2 * dstHeight) {
    halve(s, d, options);
    return;
  }
  const cols = axis(W, dstWidth, true);
  const rows = axis(H, dstHeight, false);
  const line = cropWidth * c;
  const upper = new Int32Array(line);
  const lower = new Int32Array(line);
  const horizontal = (y: number, out: Int32Array) => {
    const row = Math.min(Math.max(y, 0), H - 1) * W * c;
    for (let x = 0; x < cropWidth; x++) {
      const dx = cropLeft + x;
      const x0 = cols.first[dx] as number;
      const x1 = Math.min(x0 + 1, W - 1);
      const w0 = cols.weights[2 * dx] as number;
      const w1 = cols.weights[2 * dx + 1] as number;
      for (let k = 0; k < c; k++) {
        out[x * c + k] = (s[row + x0 * c + k] as number) * w0 + (s[row + x1 * c + k] as number) * w1;
      }
    }
  };
  for (let y = 0; y < options.cropHeight; y++) {
    const dy = cropTop + y;
    const y0 = rows.first[dy] as number;
    horizontal(y0, upper);
    horizontal(y0 + 1, lower);
    const w0 = rows.weights[2 * dy] as number;
    const w1 = rows.weights[2 * dy + 1] as number;
    for (let i = 0; i < line; i++) {
      const v = ((((upper[i] as number) >> 4) * w0) >> 16) + ((((lower[i] as number) >> 4) * w1) >> 16);
      d[y * line + i] = Math.min(255, Math.max(0, (v + 2) >> 2));
    }
  }
}

/** An exact halving of both sides: each output value is its 2 × 2 block's rounded mean. */
function halve(s: Uint8Array, d: Uint8Array, o: ResizeOptions): void {
  const c = o.channels;
  const line = o.srcWidth * c;
  for (let y = 0; y < o.cropHeight; y++) {
    const top = 2 * (o.cropTop + y) * line;
    const bottom = top + line;
    for (let x = 0; x < o.cropWidth; x++) {
      const left = 2 * (o.cropLeft + x) * c;
      for (let k = 0; k < c; k++) {
        const i = left + k;
        const sum =
          (s[top + i] as number) +
          (s[top + i + c] as number) +
          (s[bottom + i] as number) +
          (s[bottom + i + c] as number);
        d[(y * o.cropWidth + x) * c + k] = (sum + 2) >> 2;
      }
    }
  }
}
