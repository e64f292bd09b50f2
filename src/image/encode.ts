import sharp from 'sharp';

/** An image produced by an image-to-image rocket: HWC RGB bytes. */
export interface OutputImage {
  width: number;
  height: number;
  channels: 3;
  pixels: Uint8Array;
}

export const IMAGE_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

const CONTENT_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** Encodes an image-to-image output. Returns the bytes and their content type. */
export async function encodeImage(
  image: OutputImage,
  format: ImageFormat,
): Promise<{ body: Buffer; contentType: string }> {
  const raw = sharp(image.pixels, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  const encoded =
    format === 'png' ? raw.png() : format === 'jpeg' ? raw.jpeg({ quality: 92 }) : raw.webp({ quality: 92 });
  return { body: await encoded.toBuffer(), contentType: CONTENT_TYPES[format] };
}

/** The image format an `Accept` header asks for, in its order of preference; PNG when none does. */
export function formatFromAccept(accept: string | undefined): ImageFormat {
  for (const part of (accept ?? '').split(',')) {
    const type = part.split(';')[0]?.trim().toLowerCase();
    const match = IMAGE_FORMATS.find((f) => CONTENT_TYPES[f] === type);
    if (match) return match;
  }
  return 'png';
}
