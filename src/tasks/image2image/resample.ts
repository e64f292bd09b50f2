/**
 * Resizing of an output image in the worker (which does not load sharp): separable cubic
 * convolution (Keys, a = −0.5, PIL's bicubic), widened by the scale when shrinking so it
 * averages rather than aliases, as PIL's resize does.
 */
import type { OutputImage } from '../../image/encode.js';
import { clampByte } from '../../image/ycbcr.js';

/** Keys' cubic convolution kernel with a = −0.5. */
function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return (1.5 * t - 2.5) * t * t + 1;
  if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
  return 0;
}

/** Per output index along an axis: `taps` source indices (edges clamped) and their normalised weights. */
function axisTaps(src: number, dst: number): { taps: number; index: Int32Array; weight: Float32Array } {
  const scale = src / dst;
  const stretch = Math.max(1, scale);
  const support = 2 * stretch;
  const taps = 2 * Math.ceil(support) + 1;
  const index = new Int32Array(dst * taps);
  const weight = new Float32Array(dst * taps);
  for (let o = 0; o < dst; o++) {
    const centre = (o + 0.5) * scale; // pixel centres aligned
    const first = Math.floor(centre - support);
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const w = cubic((first + t + 0.5 - centre) / stretch);
      index[o * taps + t] = Math.min(src - 1, Math.max(0, first + t));
      weight[o * taps + t] = w;
      sum += w;
    }
    for (let t = 0; t < taps; t++) weight[o * taps + t] = (weight[o * taps + t] as number) / sum;
  }
  return { taps, index, weight };
}

/** The image resized to `width × height` (HWC RGB bytes, rounded). */
export function resampleImage(image: OutputImage, width: number, height: number): OutputImage {
  const h = axisTaps(image.width, width);
  const v = axisTaps(image.height, height);
  const src = image.pixels;
  // Horizontal pass: every source row at the new width, as floats.
  const rows = new Float32Array(image.height * width * 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let t = 0; t < h.taps; t++) {
          const i = x * h.taps + t;
          acc +=
            (src[(y * image.width + (h.index[i] as number)) * 3 + c] as number) * (h.weight[i] as number);
        }
        rows[(y * width + x) * 3 + c] = acc;
      }
    }
  }
  const pixels = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++) {
      let acc = 0;
      for (let t = 0; t < v.taps; t++) {
        const i = y * v.taps + t;
        acc += (rows[(v.index[i] as number) * width * 3 + x] as number) * (v.weight[i] as number);
      }
      pixels[y * width * 3 + x] = clampByte(acc);
    }
  }
  return { width, height, channels: 3, pixels };
}
