// The class map PNG written by hand (8-bit palette, 16-bit grey) decoded back by sharp, and the
// computed PASCAL VOC palette.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { classColour, classHex, paletteHex } from '../../src/tasks/semantic/palette.js';
import { classMapPng } from '../../src/tasks/semantic/png.js';
import { maskIds } from '../helpers/semantic-models.js';

/** Every 8-bit id once, then a few repeated, on a 20 × 13 map (260 pixels). */
const ALL_IDS = Uint8Array.from({ length: 260 }, (_, i) => (i < 256 ? i : i * 7) % 256);

describe('the PASCAL VOC palette, computed', () => {
  it('gives VOC colours: background black, aeroplane dark red, person (15) pink, void (255)', () => {
    expect(classColour(0)).toEqual([0, 0, 0]);
    expect(classColour(1)).toEqual([128, 0, 0]);
    expect(classColour(6)).toEqual([0, 128, 128]);
    expect(classColour(15)).toEqual([192, 128, 128]);
    expect(classColour(20)).toEqual([0, 64, 128]);
    expect(classColour(255)).toEqual([224, 224, 192]);
    expect(classHex(7)).toBe('#808080');
    expect(paletteHex(3)).toEqual(['#000000', '#800000', '#008000']);
  });

  it('gives each of the 256 8-bit ids its own colour', () => {
    expect(new Set(paletteHex(256)).size).toBe(256);
  });
});

describe('classMapPng', () => {
  it('writes 8-bit ids as a palette PNG that sharp decodes to each class colour', async () => {
    const png = await classMapPng({ width: 20, height: 13, classes: 256, ids: ALL_IDS });
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 20, height: 13, isPalette: true });
    const { ids } = await maskIds(png);
    expect([...ids]).toEqual([...ALL_IDS]);
  });

  it('stores the ids themselves as the palette indices', async () => {
    const png = await classMapPng({
      width: 4,
      height: 1,
      classes: 21,
      ids: Uint8Array.from([0, 15, 20, 255]),
    });
    // The chunks after the signature: IHDR says 8-bit palette; the IDAT row is filter 0, then the ids.
    const { inflateSync } = await import('node:zlib');
    const chunks = new Map<string, Buffer>();
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      chunks.set(png.toString('latin1', at + 4, at + 8), png.subarray(at + 8, at + 8 + length));
      at += 12 + length;
    }
    expect([...(chunks.get('IHDR') ?? Buffer.alloc(10)).subarray(8, 10)]).toEqual([8, 3]);
    expect(chunks.get('PLTE')?.length).toBe(768);
    expect([...inflateSync(chunks.get('IDAT') ?? Buffer.alloc(0))]).toEqual([0, 0, 15, 20, 255]);
  });

  it('writes 16-bit ids (more than 255 classes) as 16-bit grey whose values are the ids', async () => {
    const ids = Uint16Array.from([0, 255, 256, 4095, 65535, 7]);
    const png = await classMapPng({ width: 3, height: 2, classes: 70000, ids });
    expect(await sharp(png).metadata()).toMatchObject({ space: 'grey16', channels: 1, depth: 'ushort' });
    const { data, info } = await sharp(png)
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([3, 2, 1]);
    expect([...new Uint16Array(data.buffer, data.byteOffset, 6)]).toEqual([...ids]);
  });
});
