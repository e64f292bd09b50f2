import sharp, { type Metadata } from 'sharp';
import { RocketError } from '../errors.js';
import type { Preprocess } from '../rocket/types.js';
import { type Placement, planPlacement } from './geometry.js';

/** An image decoded and resized for one model: HWC uint8 pixels plus what maps results back. */
export interface DecodedImage {
  /** HWC uint8, `height × width × channels` bytes (the resized, cropped image, not the canvas). */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Size of the original image after EXIF orientation. */
  original: { width: number; height: number; format: string };
  placement: Placement;
}

/**
 * Decodes an upload straight to the model's input size. Resizing inside the decoder lets libvips
 * shrink JPEGs on load, so a large photo never exists at full size in memory. The only module that
 * knows sharp's error texts: they become IMAGE_UNDECODABLE or IMAGE_TOO_LARGE.
 */
export async function decodeForModel(
  bytes: Uint8Array,
  pre: Preprocess,
  maxPixels: number,
): Promise<DecodedImage> {
  const options = { limitInputPixels: maxPixels, failOn: 'warning', autoOrient: true } as const;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (err) {
    throw translate(err);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new RocketError('IMAGE_UNDECODABLE', 'The image has no readable dimensions');
  if (width * height > maxPixels) throw tooLarge(width, height, maxPixels);

  const placement = planPlacement(width, height, pre);
  let pipeline = sharp(bytes, options).resize(placement.resizeWidth, placement.resizeHeight, {
    fit: 'fill',
    kernel: pre.interpolation,
  });
  if (placement.crop) pipeline = pipeline.extract(placement.crop);
  pipeline =
    pre.channelOrder === 'gray'
      ? pipeline.toColourspace('b-w')
      : pipeline.removeAlpha().toColourspace('srgb');
  try {
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return {
      pixels: data,
      width: info.width,
      height: info.height,
      channels: info.channels,
      original: { width, height, format: meta.format ?? 'unknown' },
      placement,
    };
  } catch (err) {
    throw translate(err);
  }
}

function tooLarge(width: number, height: number, maxPixels: number): RocketError {
  return new RocketError(
    'IMAGE_TOO_LARGE',
    `The image is ${width}×${height} = ${width * height} pixels; the limit (MAX_PIXELS) is ${maxPixels}`,
  );
}

function translate(err: unknown): RocketError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new RocketError(
      'IMAGE_TOO_LARGE',
      `The image has more pixels than MAX_PIXELS allows (${message})`,
      {
        cause: err,
      },
    );
  }
  const why = /unsupported image format/i.test(message)
    ? 'the data is not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF)'
    : `the image is corrupt or truncated (${message.split('\n')[0]})`;
  return new RocketError('IMAGE_UNDECODABLE', `Cannot decode the image: ${why}`, { cause: err });
}
