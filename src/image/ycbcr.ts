/**
 * Full-range YCbCr (JFIF / ITU-R BT.601), the convention of the super-resolution reference:
 * Y = 0.299 R + 0.587 G + 0.114 B; Cb and Cr centred on 128.
 */

/** Splits HWC RGB (3 channels) into Y, Cb and Cr planes of floats. */
export function rgbToYcbcr(
  rgb: Uint8Array,
  pixels: number,
): { y: Float32Array; cb: Float32Array; cr: Float32Array } {
  const y = new Float32Array(pixels);
  const cb = new Float32Array(pixels);
  const cr = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const r = rgb[3 * i] as number;
    const g = rgb[3 * i + 1] as number;
    const b = rgb[3 * i + 2] as number;
    y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb[i] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    cr[i] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  return { y, cb, cr };
}

/** Merges Y, Cb and Cr planes (0..255 floats) into HWC RGB bytes, rounded and clamped. */
export function ycbcrToRgb(y: Float32Array, cb: Float32Array, cr: Float32Array): Uint8Array {
  const rgb = new Uint8Array(y.length * 3);
  for (let i = 0; i < y.length; i++) {
    const yy = y[i] as number;
    const cbb = (cb[i] as number) - 128;
    const crr = (cr[i] as number) - 128;
    rgb[3 * i] = clampByte(yy + 1.402 * crr);
    rgb[3 * i + 1] = clampByte(yy - 0.344136 * cbb - 0.714136 * crr);
    rgb[3 * i + 2] = clampByte(yy + 1.772 * cbb);
  }
  return rgb;
}

/** Rounds to the nearest integer and clamps to 0..255. */
export const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/**
 * Clamps to 0..255 and truncates, as `np.uint8(np.clip(x, 0, 255))` does: the convention of the
 * image-to-image apps rocketserve replaces (and of the published super-resolution reference).
 */
export const truncateByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v));
