/** Keys' cubic convolution kernel with a = −0.5 (the "bicubic" of PIL and OpenCV). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Per output index: the 4 source taps (clamped to the edge) and their normalised weights. */
function taps(src: number, dst: number): { index: Int32Array; weight: Float32Array } {
  const index = new Int32Array(dst * 4);
  const weight = new Float32Array(dst * 4);
  const scale = src / dst;
  for (let o = 0; o < dst; o++) {
    const centre = (o + 0.5) * scale - 0.5; // pixel centres aligned
    const first = Math.floor(centre) - 1;
    let sum = 0;
    for (let k = 0; k < 4; k++) {
      const w = cubic(centre - (first + k));
      index[o * 4 + k] = Math.min(src - 1, Math.max(0, first + k));
      weight[o * 4 + k] = w;
      sum += w;
    }
    for (let k = 0; k < 4; k++) weight[o * 4 + k] = (weight[o * 4 + k] as number) / sum;
  }
  return { index, weight };
}

/**
 * Bicubic resize of one float plane (row-major `srcHeight × srcWidth`) for upscaling: separable,
 * pixel-centre aligned, edges clamped. Used for the Cb/Cr planes of Y-channel super-resolution.
 */
export function resizeBicubic(
  src: Float32Array,
  srcWidth: number,
  srcHeight: number,
  dstWidth: number,
  dstHeight: number,
): Float32Array {
  const h = taps(srcWidth, dstWidth);
  const v = taps(srcHeight, dstHeight);
  const rows = new Float32Array(srcHeight * dstWidth);
  for (let y = 0; y < srcHeight; y++) {
    for (let x = 0; x < dstWidth; x++) {
      let acc = 0;
      for (let k = 0; k < 4; k++)
        acc +=
          (src[y * srcWidth + (h.index[x * 4 + k] as number)] as number) * (h.weight[x * 4 + k] as number);
      rows[y * dstWidth + x] = acc;
    }
  }
  const out = new Float32Array(dstHeight * dstWidth);
  for (let y = 0; y < dstHeight; y++) {
    for (let x = 0; x < dstWidth; x++) {
      let acc = 0;
      for (let k = 0; k < 4; k++)
        acc +=
          (rows[(v.index[y * 4 + k] as number) * dstWidth + x] as number) * (v.weight[y * 4 + k] as number);
      out[y * dstWidth + x] = acc;
    }
  }
  return out;
}
