import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel, translateSharpError } from '../../src/image/decode.js';
import { ftypBrands, isHeic } from '../../src/image/formats.js';
import type { Preprocess } from '../../src/rocket/types.js';
import { preprocessOf } from '../helpers/preprocess.js';
import { encodeHeicHeader } from './heic-encode.js';

const pre: Preprocess = preprocessOf({ resize: 'none' });
const MAX = 4_000_000;

const svg = (width: number, height: number, body = '<rect width="100%" height="100%" fill="#f00"/>') =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);

/** A 2.4 KB SVG whose nested `<use>` elements expand to 10^9 rectangles. */
function useBomb(): Buffer {
  let defs = '<rect id="l0" width="1" height="1"/>';
  for (let i = 1; i <= 9; i++) {
    defs += `<g id="l${i}">${`<use href="#l${i - 1}"/>`.repeat(10)}</g>`;
  }
  return svg(64, 64, `<defs>${defs}</defs><use href="#l9"/>`);
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'decoded',
    (err: { code?: string }) => err.code,
  );

describe('HEIC', () => {
  it('reads the brands of an ftyp box', () => {
    expect(ftypBrands(encodeHeicHeader(8, 8))).toEqual(['heic', 'mif1', 'heic']);
    expect(ftypBrands(Buffer.from('not an iso-bmff file'))).toEqual([]);
  });

  it('is refused as UNSUPPORTED_IMAGE_FORMAT, not as a corrupt image', async () => {
    const err = await decodeForModel(encodeHeicHeader(64, 48), pre, MAX).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_IMAGE_FORMAT', status: 415 });
    expect((err as Error).message).toMatch(/HEIC/);
  });

  it('is refused from its metadata when its brands are only the generic mif1/miaf', async () => {
    const generic = encodeHeicHeader(64, 48, ['mif1', 'mif1', 'miaf']);
    expect(isHeic(generic)).toBe(false);
    expect(await codeOf(decodeForModel(generic, pre, MAX))).toBe('UNSUPPORTED_IMAGE_FORMAT');
  });

  it("translates sharp's missing-codec error to UNSUPPORTED_IMAGE_FORMAT", async () => {
    const err = await sharp(encodeHeicHeader(64, 48))
      .raw()
      .toBuffer()
      .catch((e: unknown) => e);
    expect(translateSharpError(err).code).toBe('UNSUPPORTED_IMAGE_FORMAT');
  });

  it('leaves AVIF (HEIF coded with AV1) decodable', async () => {
    const avif = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#0f0' } })
      .avif()
      .toBuffer();
    expect(isHeic(avif)).toBe(false);
    const decoded = await decodeForModel(avif, pre, MAX);
    expect([decoded.width, decoded.height]).toEqual([16, 8]);
  });
});

describe('SVG', () => {
  it('is refused as UNSUPPORTED_IMAGE_FORMAT unless ALLOW_SVG', async () => {
    const err = await decodeForModel(svg(32, 16), pre, MAX).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_IMAGE_FORMAT', status: 415 });
    expect((err as Error).message).toContain('ALLOW_SVG');
  });

  it('refuses a <use> bomb before rendering it', async () => {
    expect(await codeOf(decodeForModel(useBomb(), pre, MAX))).toBe('UNSUPPORTED_IMAGE_FORMAT');
  });

  it('with ALLOW_SVG, is rendered at the size it declares (72 dpi)', async () => {
    const decoded = await decodeForModel(svg(32, 16), pre, MAX, true);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([32, 16, 3]);
    expect([...decoded.pixels.subarray(0, 3)]).toEqual([255, 0, 0]);
  });

  it("with ALLOW_SVG, a <use> bomb stops at librsvg's limit on referenced elements", async () => {
    expect(await codeOf(decodeForModel(useBomb(), pre, MAX, true))).toBe('IMAGE_UNDECODABLE');
  }, 60_000);

  it('with ALLOW_SVG, is held to MAX_PIXELS by its declared size', async () => {
    expect(await codeOf(decodeForModel(svg(20_000, 20_000), pre, MAX, true))).toBe('IMAGE_TOO_LARGE');
  });
});
