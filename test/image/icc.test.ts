import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/image/decode.js';
import { isSrgbProfile } from '../../src/image/icc.js';
import { preprocessOf } from '../helpers/preprocess.js';

const RED = [200, 40, 40];

/** A flat sRGB colour, converted to `profile` and saved with that profile embedded. */
async function photoIn(format: 'jpeg' | 'png', profile = 'p3'): Promise<Buffer> {
  const raw = Buffer.alloc(32 * 32 * 3);
  for (let i = 0; i < raw.length; i += 3) raw.set(RED, i);
  const image = sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }).withIccProfile(profile);
  return format === 'jpeg'
    ? image.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer()
    : image.png().toBuffer();
}

const centre = (pixels: Uint8Array) => [...pixels.subarray(8 * 16 * 3 + 8 * 3, 8 * 16 * 3 + 8 * 3 + 3)];

describe('decoding an image with an embedded ICC profile', () => {
  const pre = preprocessOf({ width: 16, height: 16, resize: 'stretch' });

  it.each(['jpeg', 'png'] as const)(
    '%s: convert gives back the sRGB colour, ignore the stored values',
    async (format) => {
      const photo = await photoIn(format);
      expect((await sharp(photo).metadata()).hasProfile).toBe(true);
      const converted = centre((await decodeForModel(photo, { ...pre, iccProfile: 'convert' }, 1e6)).pixels);
      const ignored = centre((await decodeForModel(photo, { ...pre, iccProfile: 'ignore' }, 1e6)).pixels);
      for (const [c, v] of converted.entries()) {
        expect(Math.abs(v - (RED[c] as number)), `convert ${c}`).toBeLessThanOrEqual(3);
      }
      // P3 stores a saturated sRGB red with less red and more green than sRGB does.
      expect((RED[0] as number) - (ignored[0] as number)).toBeGreaterThan(10);
      expect((ignored[1] as number) - (RED[1] as number)).toBeGreaterThan(5);
    },
  );

  it('an sRGB profile is not applied (an identity transform), so both settings give the same pixels', async () => {
    const photo = await photoIn('jpeg', 'srgb');
    expect((await sharp(photo).metadata()).hasProfile).toBe(true);
    const a = await decodeForModel(photo, { ...pre, iccProfile: 'convert' }, 1e6);
    const b = await decodeForModel(photo, { ...pre, iccProfile: 'ignore' }, 1e6);
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
  });

  it('an image without a profile decodes the same either way', async () => {
    const raw = Buffer.alloc(32 * 32 * 3, 90);
    const png = await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    const a = await decodeForModel(png, { ...pre, iccProfile: 'convert' }, 1e6);
    const b = await decodeForModel(png, { ...pre, iccProfile: 'ignore' }, 1e6);
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
  });
});

describe('isSrgbProfile', () => {
  const profileOf = async (name: string) => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .withIccProfile(name)
      .png()
      .toBuffer();
    return (await sharp(png).metadata()).icc as Buffer;
  };

  it('takes sRGB for sRGB, and not Display P3, a grey profile, a cut profile or garbage', async () => {
    const srgb = await profileOf('srgb');
    expect(isSrgbProfile(srgb)).toBe(true);
    expect(isSrgbProfile(await profileOf('p3'))).toBe(false);
    const grey = Buffer.from(srgb);
    grey.write('GRAY', 16, 'latin1');
    expect(isSrgbProfile(grey)).toBe(false);
    expect(isSrgbProfile(srgb.subarray(0, 200))).toBe(false);
    expect(isSrgbProfile(new Uint8Array(600))).toBe(false);
  });

  it('a profile with sRGB primaries but a plain 2.2 gamma is not sRGB', async () => {
    const icc = Buffer.from(await profileOf('srgb'));
    const count = icc.readUInt32BE(128);
    for (let i = 0; i < count; i++) {
      const at = 132 + i * 12;
      if (icc.toString('latin1', at, at + 4) !== 'rTRC') continue;
      const offset = icc.readUInt32BE(at + 4);
      icc.write('para', offset, 'latin1');
      icc.writeUInt16BE(0, offset + 8); // function type 0: Y = X^g
      icc.writeInt32BE(Math.round(2.2 * 65536), offset + 12);
    }
    expect(isSrgbProfile(icc)).toBe(false);
  });

  const images = join(import.meta.dirname, '..', '..', '..', 'shared', 'images');
  it.skipIf(!existsSync(images))(
    'the shared photos: samoyed is sRGB, bus (Display P3) and finch are not',
    async () => {
      const icc = async (file: string) =>
        (await sharp(readFileSync(join(images, file))).metadata()).icc as Buffer;
      expect(isSrgbProfile(await icc('samoyed_dog.jpg'))).toBe(true);
      expect(isSrgbProfile(await icc('person_bicycle.jpg'))).toBe(true);
      expect(isSrgbProfile(await icc('bus.jpg'))).toBe(false);
      expect(isSrgbProfile(await icc('imagenet_finch.jpeg'))).toBe(false);
    },
  );
});
