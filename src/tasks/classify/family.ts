import { z } from 'zod';
import { RocketError } from '../../errors.js';
import { onlyOutput, rank, tensorOutputs } from '../signature.js';
import type { ImageFamily } from '../types.js';
import { prediction } from './schema.js';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * How a row of class scores is read: `logits` get a softmax, `probabilities` are used as they are,
 * `auto` decides per row (softmax unless the row already sums to 1 within 1e-3 in [0, 1]).
 */
export const CLASSIFY_FORMATS = ['logits', 'probabilities', 'auto'] as const;
export type ClassifyFormat = (typeof CLASSIFY_FORMATS)[number];

/** `[N, C]`, or `[N, C, 1, 1]` (a classifier ending in a 1×1 convolution): one row of scores per image. */
const isScoreRow = (dims: readonly (number | string)[]) =>
  dims.length === 2 || (dims.length === 4 && dims[2] === 1 && dims[3] === 1);

/** Image classification: one row of class scores per image → the top-k classes. */
export const classify: ImageFamily = {
  task: 'classify',
  input: 'image',
  fallbackSize: 224,
  summary: 'image classification: top-k classes with probabilities',
  outputFormats: CLASSIFY_FORMATS,
  resultFields: { predictions: z.array(prediction) },
  playground: {
    panels: ['image-input', 'controls', 'confidence-control', 'topk-control', 'classify-view'],
    query: { confidence: 0, topk: 20 },
    accept: 'application/json',
  },
  renderers: {},
  defaultsToImage: false,

  recognise(signature) {
    if (rank(signature.inputs[0]) !== 4) return undefined;
    const task = signature.metadata.task;
    if (task === 'classify') return 'its metadata says task: classify';
    // Metadata naming another task (an obb head's row of scores per anchor) is that task's.
    if (task !== undefined) return undefined;
    const only = onlyOutput(signature);
    if (only && isScoreRow(only.dims)) {
      return `its one output ${only.name} [${only.dims}] is a row of class scores per image`;
    }
    return undefined;
  },

  configure({ manifest, gray, signature, modelPath }) {
    const format = manifest?.output?.format ?? 'auto';
    if (!(CLASSIFY_FORMATS as readonly string[]).includes(format)) {
      throw new RocketError(
        'ROCKET_INVALID',
        `Rocket ${modelPath}: output.format ${format} is not a classifier's; use one of ${CLASSIFY_FORMATS.join(', ')}`,
      );
    }
    const [output] = tensorOutputs(signature);
    return {
      // Grey classifiers (MNIST) see the whole image in 0..255; colour ones ImageNet's crop and statistics.
      preprocess: gray
        ? { resize: 'stretch', scale: 1 }
        : { resize: 'center-crop', scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD },
      confidence: 0,
      outputNames: [output?.name ?? ''],
      outputFormat: format,
      head: {},
      reason: manifest?.output?.format ? 'output.format in rocket.json' : 'the default',
    };
  },
};
