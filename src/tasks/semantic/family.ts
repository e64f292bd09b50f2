import { z } from 'zod';
import type { QueryTable } from '../../http/params.js';
import { isNhwc, onlyOutput, rank } from '../signature.js';
import type { ImageFamily } from '../types.js';
import { configureSemantic } from './configure.js';
import { overlayClasses } from './draw.js';
import type { SemanticFields } from './head.js';
import { mapDims, outputStride, SEMANTIC_FORMATS, type SemanticHead } from './layout.js';
import { paletteHex } from './palette.js';
import { classMapPng } from './png.js';
import { classMapPng as classMapJson, classShare } from './schema.js';
import { DEFAULT_MIN_FRACTION } from './shares.js';

/** The family's own query parameters of POST /process. */
const SEMANTIC_QUERY = {
  minFraction: {
    schema: z.coerce.number().min(0).max(1),
    what: 'a number from 0 to 1',
    doc: `Smallest share of the image a class needs to be listed (default ${DEFAULT_MIN_FRACTION}; 0 lists every class present).`,
  },
  map: {
    schema: z.enum(['none', 'png']),
    what: 'none or png',
    doc: 'png adds the class map to the JSON as a base64 palette PNG, as format=mask sends it (the playground draws it); none (default) leaves it out.',
  },
} satisfies QueryTable;

/**
 * Semantic segmentation: the class of every pixel. Zero config claims a model whose one output is
 * rank 4 with more than 4 channels (in the input's layout, NCHW or NHWC) over a map the input's
 * size or the input divided by 2, 4, 8, 16 or 32 (never 1×1: a classifier's scores). image2image
 * claims 1 or 3 channels (an image), so they never both claim a model; 2 or 4 channels (RGBA or 4
 * classes?) stay unclaimed, and a `[1, H, W]` class map is read only with `task: semantic` in
 * rocket.json.
 */
export const semantic: ImageFamily = {
  task: 'semantic',
  input: 'image',
  fallbackSize: 512,
  summary: "semantic segmentation: each class's share of the image, the class map, an overlay",
  outputFormats: SEMANTIC_FORMATS,
  resultFields: {
    classes: z.array(classShare).describe('The classes present, largest share first.'),
    map: classMapJson.optional().describe('With map=png only.'),
  },
  playground: {
    panels: ['image-input', 'semantic-view'],
    query: { map: 'png', minFraction: 0 },
    accept: 'application/json',
  },
  query: SEMANTIC_QUERY,
  renderers: {
    image: async ({ upload, fields, maxPixels }) => {
      const { classes, classMap } = fields as SemanticFields;
      const body = await overlayClasses(upload, classes, classMap, maxPixels);
      return { body, contentType: 'image/jpeg' };
    },
    mask: async ({ fields }) => ({
      body: await classMapPng((fields as SemanticFields).classMap),
      contentType: 'image/png',
    }),
  },
  defaultsToImage: false,

  recognise(signature) {
    const input = signature.inputs[0];
    const only = onlyOutput(signature);
    if (rank(input) !== 4 || rank(only) !== 4 || !input || !only) return undefined;
    const task = signature.metadata.task;
    if (task !== undefined && task !== 'semantic') return undefined;
    const layout = isNhwc(input) ? 'nhwc' : 'nchw';
    const map = mapDims(only.dims, layout);
    const inputMap = mapDims(input.dims, layout);
    if (!map || !inputMap || typeof map.channels !== 'number' || map.channels <= 4) return undefined;
    const stride = outputStride(inputMap, map);
    if (stride === undefined) return undefined;
    const size = stride === 1 ? 'the input size' : `1/${stride} of the input size`;
    return `its one output ${only.name} [${only.dims}] holds ${map.channels} class scores per pixel at ${size}`;
  },

  configure: configureSemantic,

  async toJson(fields, options) {
    const { classes, classMap } = fields as SemanticFields;
    if (options.map !== 'png') return { classes };
    const { width, height } = classMap;
    const data = (await classMapPng(classMap)).toString('base64');
    return { classes, map: { width, height, contentType: 'image/png', data } };
  },

  playgroundOf: (spec) => ({ palette: paletteHex((spec.head as SemanticHead).classes) }),
};
