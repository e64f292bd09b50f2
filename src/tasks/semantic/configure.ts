import { RocketError } from '../../errors.js';
import { describeEntries, isNhwc, tensorOutputs } from '../signature.js';
import type { ImageConfiguration, ImageFamilyContext } from '../types.js';
import {
  mapDims,
  SEMANTIC_ACTIVATIONS,
  SEMANTIC_FORMATS,
  type SemanticActivation,
  type SemanticFormat,
  type SemanticHead,
} from './layout.js';

/** The manifest's `output` fields semantic reads (`activation` is shared with detect's). */
interface SemanticOutput {
  format?: string;
  activation?: string;
}

/** ONNX element types of class maps: float32, int32, int64. Scores are float32. */
const FLOAT = 1;
const CLASS_MAP_TYPES = [FLOAT, 6, 7];

const isOneOf = <T extends string>(values: readonly T[], v: string): v is T =>
  (values as readonly string[]).includes(v);

/**
 * Works out how a semantic segmentation rocket reads its one output: `[1, C, H, W]` or
 * `[1, H, W, C]` scores (following the input's layout), or class ids `[1, H, W]` (or one channel).
 * Throws ROCKET_UNSUPPORTED when the output or the labels cannot be read so, ROCKET_INVALID for
 * manifest fields that contradict the model.
 */
export function configureSemantic(ctx: ImageFamilyContext): ImageConfiguration {
  const { manifest, signature, labels, modelPath, input } = ctx;
  const fail = (code: 'ROCKET_UNSUPPORTED' | 'ROCKET_INVALID', why: string) =>
    new RocketError(code, `Rocket ${modelPath}: ${why} (docs/rocket.md, "Semantic segmentation")`);
  const outputs = tensorOutputs(signature);
  const [out] = outputs;
  if (outputs.length !== 1 || !out) {
    throw fail(
      'ROCKET_UNSUPPORTED',
      `semantic segmentation reads one output of per-pixel class scores; the model has ${describeEntries(outputs) || 'none'}`,
    );
  }
  const layout = manifest?.preprocess?.layout ?? (isNhwc(input) ? 'nhwc' : 'nchw');
  const map = mapDims(out.dims, layout);
  const shape = `output ${out.name} [${out.dims}]`;
  if (!map) {
    throw fail(
      'ROCKET_UNSUPPORTED',
      `${shape} is no map: semantic segmentation reads ${layout === 'nchw' ? '[1, C, H, W]' : '[1, H, W, C]'} class scores or [1, H, W] class ids`,
    );
  }
  const output = (manifest?.output ?? {}) as SemanticOutput;
  const activation = output.activation ?? 'softmax';
  if (!isOneOf(SEMANTIC_ACTIVATIONS, activation)) {
    throw fail(
      'ROCKET_INVALID',
      `output.activation ${activation}: semantic segmentation takes softmax (one class per pixel, the default) or sigmoid (multi-label)`,
    );
  }
  const idMap = map.channels === 1;
  const format = output.format ?? defaultFormat(idMap, activation);
  if (!isOneOf(SEMANTIC_FORMATS, format)) {
    throw fail('ROCKET_INVALID', `output.format ${format} is not one of ${SEMANTIC_FORMATS.join(', ')}`);
  }
  if ((format === 'class-map') !== idMap) {
    throw fail(
      'ROCKET_UNSUPPORTED',
      `output.format ${format} does not fit ${shape}: class-map is one channel of class ids, the score maps have a channel per class`,
    );
  }
  if (idMap && activation === 'sigmoid')
    throw fail(
      'ROCKET_INVALID',
      'a class map has one class per pixel, so output.activation sigmoid cannot apply',
    );
  const elemType = out.elemType ?? FLOAT;
  if (idMap ? !CLASS_MAP_TYPES.includes(elemType) : elemType !== FLOAT) {
    throw fail(
      'ROCKET_UNSUPPORTED',
      `${shape} has ONNX element type ${elemType}; class scores must be float32, class ids float32, int32 or int64`,
    );
  }
  const classes = idMap || typeof map.channels !== 'number' ? labels.length : map.channels;
  if (classes === 0) {
    throw fail(
      'ROCKET_UNSUPPORTED',
      `${shape} does not say how many classes there are: give a labels file (one label per class)`,
    );
  }
  if (labels.length > 0 && labels.length !== classes) {
    throw fail(
      'ROCKET_UNSUPPORTED',
      `the rocket has ${labels.length} labels for the ${classes} class channels of ${shape}`,
    );
  }
  // Ids and the multi-label "no class" id must fit 16 bits.
  if (classes + (activation === 'sigmoid' ? 1 : 0) > 0x10000)
    throw fail('ROCKET_UNSUPPORTED', `${classes} classes are more than a class map holds (65536)`);
  if (manifest?.preprocess?.resize === 'center-crop') {
    throw fail(
      'ROCKET_INVALID',
      'semantic segmentation gives a class to every pixel of the image, so it cannot crop: use resize stretch or letterbox',
    );
  }
  const head: SemanticHead = { activation, classes };
  return {
    // The whole image, as most segmentation models are trained (a manifest may letterbox), read as
    // OpenCV reads it (stored values, INTER_LINEAR): DeepLabV3 then gives the reference pipeline's
    // class shares on bus.jpg to 0.001, where libvips' antialiased resize with colour management
    // is 0.017 off (background 0.599 for 0.582).
    preprocess: { resize: 'stretch', interpolation: 'bilinear', iccProfile: 'ignore' },
    confidence: 0,
    outputNames: [out.name],
    outputFormat: format,
    head,
    reason: output.format ? `output.format ${format} in rocket.json` : `${shape} (${layout}), ${activation}`,
    summary: summaryOf(format, activation, classes),
  };
}

/** Scores are logits unless they are sigmoid's, read as probabilities so that logits fail the [0, 1] check. */
function defaultFormat(idMap: boolean, activation: SemanticActivation): SemanticFormat {
  if (idMap) return 'class-map';
  return activation === 'sigmoid' ? 'probability-map' : 'logit-map';
}

function summaryOf(format: SemanticFormat, activation: SemanticActivation, classes: number): string {
  if (format === 'class-map') return `class ids of ${classes} classes per pixel, as the model argmaxed them`;
  const what = format === 'logit-map' ? 'logits' : 'probabilities';
  return activation === 'sigmoid'
    ? `${classes} class ${what} per pixel, multi-label: each class where its probability is above 0.5`
    : `${classes} class ${what} per pixel: the class with the highest score`;
}
