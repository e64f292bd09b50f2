import { z } from 'zod';
import { encodeImage, IMAGE_FORMATS, type ImageFormat, type OutputImage } from '../../image/encode.js';
import { isNhwc, onlyOutput, rank, tensorOutputs } from '../signature.js';
import type { ImageFamily, Rendered, RenderInput } from '../types.js';
import { decodeAs } from './head.js';
import type { Image2ImageHead } from './output.js';

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

  configure({ manifest, gray, signature }) {
    const mode = manifest?.image2image?.mode ?? (gray ? 'y' : 'rgb');
    const head: Image2ImageHead = { mode };
    return {
      // The whole image (stretch), in 0..1.
      preprocess: { resize: 'stretch', scale: 1 / 255 },
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
