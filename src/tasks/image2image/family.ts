import { z } from 'zod';
import { RocketError } from '../../errors.js';
import { encodeImage, IMAGE_FORMATS, type ImageFormat, type OutputImage } from '../../image/encode.js';
import type { Manifest } from '../../rocket/manifest.js';
import { isNhwc, onlyOutput, rank, tensorOutputs } from '../signature.js';
import type { ImageFamily, Rendered, RenderInput } from '../types.js';
import { decodeAs } from './head.js';
import type { Image2ImageHead, TileSettings } from './output.js';
import { OUTPUT_SIZES } from './size.js';
import { DEFAULT_TILE, tileSide } from './tile-plan.js';

/** The JSON form of a produced image. */
const outputImage = z.object({
  width: z.number().int(),
  height: z.number().int(),
  contentType: z.string(),
  data: z.string().describe('The output image, base64.'),
});

/** The output's channel count, when its layout says (1 or 3), else undefined. */
function imageChannels(dims: readonly (number | string)[], nhwc: boolean): number | string | undefined {
  return nhwc ? dims[3] : dims[1];
}

/**
 * The largest output of an any-size rocket by default: 50 megapixels, 150 MB of RGB (a ×4 model
 * on a 1920 × 1080 frame gives 33).
 */
const DEFAULT_MAX_OUTPUT_PIXELS = 50_000_000;

/** The manifest's tile settings over the defaults; ROCKET_INVALID when a tile cannot hold its overlaps. */
function tileSettings(manifest: Manifest | undefined, modelPath: string): TileSettings {
  const tile = { ...DEFAULT_TILE, ...manifest?.image2image?.tile };
  if (tile.maxPixels > 0 && tileSide(tile.maxPixels) <= 2 * tile.overlap) {
    throw new RocketError(
      'ROCKET_INVALID',
      `Rocket ${modelPath}: image2image.tile.maxPixels ${tile.maxPixels} gives tiles of ${tileSide(tile.maxPixels)} pixels a side, ` +
        `which cannot hold two overlaps of ${tile.overlap}: raise maxPixels or lower overlap`,
    );
  }
  return tile;
}

const renderAs =
  (format: ImageFormat) =>
  async ({ fields }: RenderInput): Promise<Rendered> => {
    const { body, contentType } = await encodeImage(fields.output as OutputImage, format);
    return { body, contentType };
  };

/** Image-to-image: super-resolution, style transfer, any model whose output is an image. */
export const image2image: ImageFamily = {
  task: 'image2image',
  input: 'image',
  fallbackSize: 224,
  summary: 'image to image: super-resolution, style transfer; answers with an image',
  outputFormats: [],
  resultFields: { output: outputImage },
  playground: { panels: ['image-input', 'image2image-view'], query: {}, accept: 'image/png' },
  query: {
    size: {
      schema: z.enum(OUTPUT_SIZES),
      what: `one of ${OUTPUT_SIZES.join(', ')}`,
      doc: "The answer's size: original (default), the upload's aspect at the model's scale (a style transfer at the upload's size, a ×4 model at 4 × it); model, the model's output as it is.",
    },
  },
  renderers: Object.fromEntries(IMAGE_FORMATS.map((f) => [f, renderAs(f)])),
  defaultsToImage: true,

  recognise(signature) {
    const input = signature.inputs[0];
    if (rank(input) !== 4) return undefined;
    const only = onlyOutput(signature);
    if (!only || rank(only) !== 4) return undefined;
    const channels = imageChannels(only.dims, isNhwc(input));
    if (typeof channels === 'number' && channels !== 1 && channels !== 3) return undefined;
    return `its one output ${only.name} [${only.dims}] is an image (1 or 3 channels)`;
  },

  configure({ manifest, gray, signature, anySize, modelPath }) {
    const mode = manifest?.image2image?.mode ?? (gray ? 'y' : 'rgb');
    const head: Image2ImageHead = {
      mode,
      tile: tileSettings(manifest, modelPath),
      maxOutputPixels: manifest?.image2image?.maxOutputPixels ?? DEFAULT_MAX_OUTPUT_PIXELS,
    };
    return {
      // The whole image, in 0..1: at its own size when the model takes any size, else stretched.
      preprocess: { resize: anySize ? 'none' : 'stretch', scale: 1 / 255 },
      confidence: 0,
      outputNames: [tensorOutputs(signature)[0]?.name ?? ''],
      outputFormat: mode,
      head,
      reason: manifest?.image2image?.mode
        ? 'image2image.mode in rocket.json'
        : `a ${gray ? 'one-channel (Y of YCbCr)' : 'colour'} input`,
    };
  },

  decodeAs,

  async toJson(fields) {
    const output = fields.output as OutputImage;
    const { body, contentType } = await encodeImage(output, 'png');
    return {
      output: { width: output.width, height: output.height, contentType, data: body.toString('base64') },
    };
  },
};
