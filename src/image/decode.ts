import sharp, { type Metadata, type Sharp } from 'sharp';
import { RocketError } from '../errors.js';
import type { IccProfile, Preprocess } from '../rocket/types.js';
import { decodeBmp, isBmp } from './bmp.js';
import { refuseHeic, refuseSvg } from './formats.js';
import { type Placement, planPlacement } from './geometry.js';
import { isSrgbProfile } from './icc.js';
import { checkPixelLimit } from './limits.js';

/** An image decoded (and resized) for one model: HWC uint8 pixels plus what maps results back. */
export interface DecodedImage {
  /**
   * HWC uint8, `height × width × channels` bytes: the resized, cropped image (not the canvas), or
   * the whole image when `unresized`.
   */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Size of the original image after EXIF orientation. */
  original: { width: number; height: number; format: string };
  placement: Placement;
  /**
   * The pixels are the whole oriented image, still to be resized as `placement` says (bilinear:
   * the inference worker does it, see src/inference/model-size.ts).
   */
  unresized?: true;
}

/** An encoded image opened for decoding: its size after EXIF orientation, and fresh pipelines on it. */
export interface OpenedImage {
  width: number;
  height: number;
  /** sharp's name of the format (`jpeg`, `png`, ...), or `bmp`. */
  format: string;
  /** A new sharp pipeline that yields the oriented image. */
  pipeline(): Sharp;
}

/**
 * The resolution SVG is rendered at, in dots per inch (sharp's default, pinned here): an SVG's
 * pixels are then those its width and height declare, checked against MAX_PIXELS like any image.
 */
const SVG_DENSITY = 72;

/**
 * Sets libvips up for a server: no operation cache (every upload is new, so a cache only holds
 * memory) and one thread per image (requests already decode in parallel on libuv's pool, so more
 * would oversubscribe the cores). Called once at startup, by applyProcessSettings()
 * (src/process-settings.ts).
 */
export function configureDecoder(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}

/**
 * Reads an image's header and checks its size against `maxPixels`, without decoding its pixels
 * (except BMP, which sharp cannot read: it is decoded here to raw RGB, after the same checks, and
 * fed to sharp as raw pixels so everything downstream is the same). With `iccProfile` `convert`
 * the pipelines convert the pixels to sRGB with an embedded ICC profile, unless that profile is
 * sRGB itself: on a large photo the (then identity) transform costs about as much as the decode.
 * HEIC is refused as UNSUPPORTED_IMAGE_FORMAT; SVG is opened at {@link SVG_DENSITY}, within
 * `maxPixels`, with librsvg's limits on (sharp's `unlimited` off), and refused by
 * {@link decodeForModel} unless ALLOW_SVG is set.
 */
export async function openImage(
  bytes: Uint8Array,
  maxPixels: number,
  iccProfile: IccProfile,
): Promise<OpenedImage> {
  if (isBmp(bytes)) {
    const { data, width, height, channels } = decodeBmp(bytes, maxPixels);
    const raw = { width, height, channels };
    return {
      width,
      height,
      format: 'bmp',
      pipeline: () => sharp(data, { raw, limitInputPixels: maxPixels }),
    };
  }
  refuseHeic(bytes);
  const options = {
    limitInputPixels: maxPixels,
    failOn: 'warning',
    autoOrient: true,
    density: SVG_DENSITY,
  } as const;
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (err) {
    throw translateSharpError(err);
  }
  refuseHeic(bytes, meta);
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new RocketError('IMAGE_UNDECODABLE', 'The image has no readable dimensions');
  checkPixelLimit(width, height, maxPixels);
  const ignoreIcc = iccProfile === 'ignore' || (meta.icc !== undefined && isSrgbProfile(meta.icc));
  return {
    width,
    height,
    format: meta.format ?? 'unknown',
    pipeline: () => sharp(bytes, { ...options, ignoreIcc }),
  };
}

/**
 * Whether the inference worker resizes this rocket's images (kernels' resizeLinear: OpenCV's
 * INTER_LINEAR to the bit, which libvips' affine transform is not), so decoding keeps them whole.
 */
const resizedInWorker = (pre: Preprocess) => pre.resize !== 'none' && pre.interpolation === 'bilinear';

/**
 * The oriented image resized as `placement` says, and cropped; as it is with resize `none` and
 * when the worker resizes it.
 */
function resized(image: OpenedImage, placement: Placement, pre: Preprocess): Sharp {
  if (pre.resize === 'none' || pre.interpolation === 'bilinear') return image.pipeline(); // see resizedInWorker
  const { resizeWidth: w, resizeHeight: h, crop } = placement;
  const pipeline = image.pipeline().resize(w, h, { fit: 'fill', kernel: pre.interpolation });
  return crop ? pipeline.extract(crop) : pipeline;
}

/**
 * Decodes an upload for the model: straight to its input size with the interpolations libvips
 * has (resizing inside the decoder lets it shrink JPEGs on load); at the image's own size for
 * `bilinear`, which the inference worker resizes (`DecodedImage.unresized`), as for resize
 * `none`. The only module that knows sharp's error texts: they become IMAGE_UNDECODABLE or
 * IMAGE_TOO_LARGE. BMP goes through {@link decodeBmp} first. SVG is refused as
 * UNSUPPORTED_IMAGE_FORMAT unless `allowSvg` (ALLOW_SVG).
 */
export async function decodeForModel(
  bytes: Uint8Array,
  pre: Preprocess,
  maxPixels: number,
  allowSvg = false,
): Promise<DecodedImage> {
  const image = await openImage(bytes, maxPixels, pre.iccProfile);
  refuseSvg(image.format, allowSvg);
  const { width, height } = image;
  const placement = planPlacement(width, height, pre);
  let pipeline = resized(image, placement, pre);
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
      original: { width, height, format: image.format },
      placement,
      ...(resizedInWorker(pre) ? { unresized: true as const } : {}),
    };
  } catch (err) {
    throw translateSharpError(err);
  }
}

/**
 * Maps a sharp error to IMAGE_TOO_LARGE, UNSUPPORTED_IMAGE_FORMAT (a codec libvips was built
 * without) or IMAGE_UNDECODABLE (sharp's texts are known only here).
 */
export function translateSharpError(err: unknown): RocketError {
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
  if (/has not been built in/i.test(message)) {
    return new RocketError(
      'UNSUPPORTED_IMAGE_FORMAT',
      `The image's format is not supported (${message.split('\n').at(-1)})`,
      { cause: err },
    );
  }
  const why = /unsupported image format/i.test(message)
    ? 'the data is not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF, BMP)'
    : `the image is corrupt or truncated (${message.split('\n')[0]})`;
  return new RocketError('IMAGE_UNDECODABLE', `Cannot decode the image: ${why}`, { cause: err });
}
