/**
 * One colour per class: hues spread by the golden angle, with text that stays readable on them;
 * and how opaque instance masks are drawn in them.
 */

/** The class's colour as `hsl(...)`, and black or white text for labels drawn on it. */
export function classColour(index: number): { fill: string; text: string } {
  const hue = Math.round((index * 137.508) % 360);
  const luminance = relativeLuminance(hue, 0.9, 0.45);
  const text = contrastRatio(luminance, 0) >= contrastRatio(luminance, 1) ? '#000' : '#fff';
  return { fill: `hsl(${hue} 90% 45%)`, text };
}

/** WCAG relative luminance of an HSL colour (h in degrees, s and l in 0..1). */
export function relativeLuminance(h: number, s: number, l: number): number {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(8) + 0.0722 * channel(4);
}

/** WCAG contrast ratio between two luminances. */
export function contrastRatio(a: number, b: number): number {
  const [hi, lo] = a > b ? [a, b] : [b, a];
  return (hi + 0.05) / (lo + 0.05);
}

/** How opaque an instance mask is: enough to see its extent, little enough to see the photo under it. */
export const MASK_OPACITY = 0.45;
