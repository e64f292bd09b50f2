import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/image/decode.js';
import { isSrgbProfile } from '../../src/image/icc.js';
import { preprocessOf } from '../helpers/preprocess.js';
import { hasShared, shared } from '../helpers/shared.js';

const RED = [200, 40, 40];

/**
 * A flat sRGB colour, converted to `profile` and saved with that profile embedded (`none`: saved
 * as it is, with no profile).
 */
async function photoIn(format: 'jpeg' | 'png', profile = 'p3'): Promise<Buffer> {
  const raw = Buffer.alloc(32 * 32 * 3);
  for (let i = 0; i < raw.length; i += 3) raw.set(RED, i);
  const flat = sharp(raw, { raw: { width: 32, height: 32, channels: 3 } });
  const image = profile === 'none' ? flat : flat.withIccProfile(profile);
  return format === 'jpeg'
    ? image.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer()
    : image.png().toBuffer();
}

const centre = (pixels: Uint8Array) => [...pixels.subarray(8 * 16 * 3 + 8 * 3, 8 * 16 * 3 + 8 * 3 + 3)];

describe('decoding an image with an embedded ICC profile', () => {
  const pre = preprocessOf({ width: 16, height: 16, resize: 'stretch' });
  /** The image decoded with iccProfile `convert`, then with `ignore`. */
  const decodedBothWays = (photo: Buffer) =>
    Promise.all(
      (['convert', 'ignore'] as const).map(
        async (iccProfile) => (await decodeForModel(photo, { ...pre, iccProfile }, 1e6)).pixels,
      ),
    );

  it.each(['jpeg', 'png'] as const)(
    '%s: convert gives back the sRGB colour, ignore the stored values',
    async (format) => {
      const photo = await photoIn(format);
      expect((await sharp(photo).metadata()).hasProfile).toBe(true);
      const [converted, ignored] = (await decodedBothWays(photo)).map(centre) as [number[], number[]];
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
    const [a, b] = await decodedBothWays(photo);
    expect(Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array))).toBe(true);
  });

  it('an image without a profile decodes the same either way', async () => {
    const png = await photoIn('png', 'none');
    expect((await sharp(png).metadata()).hasProfile).toBe(false);
    const [a, b] = await decodedBothWays(png);
    expect(Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array))).toBe(true);
  });
});

describe('isSrgbProfile', () => {
  const profileOf = async (name: string) =>
    (await sharp(await photoIn('png', name)).metadata()).icc as Buffer;

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

  it.skipIf(!hasShared)(
    'the shared photos: samoyed is sRGB, bus (Display P3) and finch are not',
    async () => {
      const icc = async (file: string) =>
        (await sharp(readFileSync(shared('images', file))).metadata()).icc as Buffer;
      expect(isSrgbProfile(await icc('samoyed_dog.jpg'))).toBe(true);
      expect(isSrgbProfile(await icc('person_bicycle.jpg'))).toBe(true);
      expect(isSrgbProfile(await icc('bus.jpg'))).toBe(false);
      expect(isSrgbProfile(await icc('imagenet_finch.jpeg'))).toBe(false);
    },
  );
});
