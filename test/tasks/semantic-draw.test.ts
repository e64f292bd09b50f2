// The semantic `image` rendering: the translucent colour overlay, the legend, and both on a photo.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colourOverlay, legendSvg, overlayClasses } from '../../src/tasks/semantic/draw.js';
import type { ClassShare } from '../../src/tasks/semantic/schema.js';

const share = (label: string, id: number, fraction: number): ClassShare => ({ label, class: id, fraction });

describe('colourOverlay', () => {
  it('paints each class in its palette colour at half opacity, and pixels of no class not at all', () => {
    const rgba = colourOverlay({ width: 3, height: 1, classes: 21, ids: Uint8Array.from([1, 15, 255]) });
    expect([...rgba]).toEqual([128, 0, 0, 128, 192, 128, 128, 128, 0, 0, 0, 0]);
  });

  it('leaves ids at or beyond the class count transparent in 16-bit maps too', () => {
    const rgba = colourOverlay({ width: 2, height: 1, classes: 300, ids: Uint16Array.from([299, 65535]) });
    expect(rgba[3]).toBe(128);
    expect([...rgba.subarray(4)]).toEqual([0, 0, 0, 0]);
  });
});

describe('legendSvg', () => {
  it('lists each class with its colour and percentage, escaping labels', () => {
    const svg = legendSvg(400, 300, [share('person', 15, 0.4451), share('<cat & dog>', 8, 0.0012)]);
    expect(svg).toContain('person 44.5%');
    expect(svg).toContain('fill="#c08080"');
    expect(svg).toContain('&#60;cat &#38; dog&#62; 0.1%');
    expect(svg).not.toContain('<cat');
  });

  it('counts the rows that do not fit in a last row', () => {
    const many = Array.from({ length: 30 }, (_, i) => share(`c${i}`, i, 0.01));
    const svg = legendSvg(200, 100, many);
    const rows = svg.match(/<text /g)?.length ?? 0;
    expect(rows).toBeLessThan(30);
    expect(svg).toContain(`+${30 - (rows - 1)} more`);
  });
});

describe('overlayClasses', () => {
  it('draws the colours over the photo at its size, as a JPEG', async () => {
    const white = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    // Left half class 1 (dark red), right half no class.
    const ids = Uint8Array.from({ length: 120 * 80 }, (_, p) => (p % 120 < 60 ? 1 : 255));
    const jpeg = await overlayClasses(
      white,
      [share('aeroplane', 1, 0.5)],
      { width: 120, height: 80, classes: 21, ids },
      1e6,
    );
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([info.format, info.width, info.height]).toEqual(['raw', 120, 80]);
    expect((await sharp(jpeg).metadata()).format).toBe('jpeg');
    const at = (x: number, y: number) => [...data.subarray(3 * (y * 120 + x), 3 * (y * 120 + x) + 3)];
    // White under dark red at half opacity: (255 + 128) / 2, 255 / 2, 255 / 2; JPEG moves a few levels.
    for (const [v, want] of at(30, 70).map((v, i) => [v, [191, 127, 127][i]] as const))
      expect(Math.abs(v - (want as number))).toBeLessThanOrEqual(6);
    for (const v of at(100, 70)) expect(v).toBeGreaterThanOrEqual(250);
  });

  it('refuses a class map of another size than the image', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(
      overlayClasses(png, [], { width: 2, height: 2, classes: 2, ids: new Uint8Array(4) }, 1e6),
    ).rejects.toThrow(/class map 2×2 for an image of 4×4/);
  });
});
