/**
 * Recognises an embedded ICC profile that describes sRGB itself, so converting with it would be an
 * identity transform (and, on a large photo, cost as much as the decode). Only matrix/TRC RGB
 * profiles qualify: the sRGB primaries (D50-adapted, as ICC stores them) and the sRGB tone curve
 * on every channel. A profile with lookup tables (A2B0/B2A0) is never taken for sRGB.
 */

/** sRGB's red, green and blue colorants in the ICC connection space (D50). */
const SRGB_COLORANTS: Record<string, [number, number, number]> = {
  rXYZ: [0.4361, 0.2225, 0.0139],
  gXYZ: [0.3851, 0.7169, 0.0971],
  bXYZ: [0.1431, 0.0606, 0.7141],
};
const COLORANT_TOLERANCE = 0.0015;
/** Where the tone curves are compared with sRGB's, and how closely (in 0..1 output). */
const CURVE_SAMPLES = [0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
const CURVE_TOLERANCE = 0.002;

const srgbCurve = (x: number) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);

interface Tag {
  offset: number;
  size: number;
}

export function isSrgbProfile(icc: Uint8Array): boolean {
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const text = (at: number) => String.fromCharCode(...icc.subarray(at, at + 4));
  if (icc.length < 132 || text(16) !== 'RGB ' || text(20) !== 'XYZ ') return false;
  const count = view.getUint32(128);
  if (132 + count * 12 > icc.length) return false;
  const tags = new Map<string, Tag>();
  for (let i = 0; i < count; i++) {
    const at = 132 + i * 12;
    const tag = { offset: view.getUint32(at + 4), size: view.getUint32(at + 8) };
    if (tag.offset + tag.size > icc.length || tag.size < 12) return false;
    tags.set(text(at), tag);
  }
  if (tags.has('A2B0') || tags.has('B2A0')) return false;
  const fixed = (at: number) => view.getInt32(at) / 65536;
  for (const [name, expected] of Object.entries(SRGB_COLORANTS)) {
    const tag = tags.get(name);
    if (!tag || text(tag.offset) !== 'XYZ ' || tag.size < 20) return false;
    const ok = expected.every((v, k) => Math.abs(fixed(tag.offset + 8 + 4 * k) - v) <= COLORANT_TOLERANCE);
    if (!ok) return false;
  }
  return ['rTRC', 'gTRC', 'bTRC'].every((name) => {
    const tag = tags.get(name);
    const curve = tag && toneCurve(view, tag, text(tag.offset));
    return (
      curve !== undefined && CURVE_SAMPLES.every((x) => Math.abs(curve(x) - srgbCurve(x)) <= CURVE_TOLERANCE)
    );
  });
}

/** A `curv` or `para` tone curve as a function on 0..1; undefined for anything else. */
function toneCurve(view: DataView, { offset, size }: Tag, type: string): ((x: number) => number) | undefined {
  if (type === 'curv') {
    const n = view.getUint32(offset + 8);
    if (n < 2 || 12 + 2 * n > size) return undefined; // 0 is the identity, 1 a pure gamma: not sRGB
    const at = (i: number) => view.getUint16(offset + 12 + 2 * i) / 65535;
    return (x) => {
      const pos = x * (n - 1);
      const i = Math.min(Math.floor(pos), n - 2);
      return at(i) + (at(i + 1) - at(i)) * (pos - i);
    };
  }
  if (type === 'para') {
    const kind = view.getUint16(offset + 8);
    const count = [1, 3, 4, 5, 7][kind];
    if (count === undefined || 12 + 4 * count > size) return undefined;
    const p = Array.from({ length: 7 }, (_, i) =>
      i < count ? view.getInt32(offset + 12 + 4 * i) / 65536 : 0,
    );
    const [g, a, b, c, d, e, f] = p as [number, number, number, number, number, number, number];
    const power = (x: number) => Math.max(a * x + b, 0) ** g;
    switch (kind) {
      case 0:
        return (x) => x ** g;
      case 1:
        return (x) => (x >= -b / a ? power(x) : 0);
      case 2:
        return (x) => (x >= -b / a ? power(x) + c : c);
      case 3:
        return (x) => (x >= d ? power(x) : c * x);
      default:
        return (x) => (x >= d ? power(x) + e : c * x + f);
    }
  }
  return undefined;
}
