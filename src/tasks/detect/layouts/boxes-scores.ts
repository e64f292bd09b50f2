import { RocketError } from '../../../errors.js';
import type { BoxFormat, Kernels, ScoreActivation } from '../../../kernels/types.js';
import type { ModelSignature } from '../../../rocket/infer.js';
import { outputNamed } from '../../signature.js';
import type { Decoder, DetectLayout, LayoutContext } from '../layout.js';
import type { BoxUnits } from '../manifest.js';
import { asInt32, floats, lastDim, rowsOf } from './tensors.js';

/** How separate box and score tensors are read. */
export interface BoxesSettings {
  boxes: string;
  scores: string;
  labels?: string;
  /** Score columns per box (1 with a labels output). */
  numClasses: number;
  boxFormat: BoxFormat;
  boxUnits: BoxUnits;
  activation: ScoreActivation;
  background: number;
}

const named = (signature: ModelSignature, name: string) =>
  signature.outputs.find((o) => o.name.toLowerCase() === name);

/** Score columns of a scores output: its last dimension for `[.., N, C]`, 1 for `[.., N]`. */
function scoreColumns(dims: readonly (number | string)[], boxRows: number | string | undefined): number {
  const last = dims.at(-1);
  if (dims.length >= 3 || (dims.length === 2 && dims[0] !== 1 && last !== boxRows)) {
    return typeof last === 'number' ? last : Number.NaN;
  }
  return 1;
}

/**
 * Checks the outputs the settings name and returns the settings, or throws naming the problem.
 * `defaults` are the layout's own (DETR's output names and units), under the manifest's.
 */
export function boxesSettings(
  ctx: LayoutContext,
  layout: 'boxes-scores' | 'detr',
  defaults: Partial<BoxesSettings> = {},
): BoxesSettings {
  const { signature, output, modelPath } = ctx;
  const boxes = output.boxes ?? defaults.boxes ?? named(signature, 'boxes')?.name;
  const scores = output.scores ?? defaults.scores ?? named(signature, 'scores')?.name;
  const labels = output.labels ?? defaults.labels ?? named(signature, 'labels')?.name;
  const fail = (why: string) =>
    new RocketError(
      'ROCKET_UNSUPPORTED',
      `Rocket ${modelPath}: output.format ${layout} ${why}. ` +
        'Name the outputs with output.boxes, output.scores and (optionally) output.labels in rocket.json.',
    );
  const boxesOut = boxes ? outputNamed(signature, boxes) : undefined;
  const scoresOut = scores ? outputNamed(signature, scores) : undefined;
  if (!boxes || !boxesOut) throw fail(`needs a boxes output${boxes ? `; there is no output ${boxes}` : ''}`);
  if (!scores || !scoresOut)
    throw fail(`needs a scores output${scores ? `; there is no output ${scores}` : ''}`);
  if (lastDim(boxesOut) !== 4) throw fail(`needs boxes [.., N, 4]; ${boxes} is [${boxesOut.dims}]`);
  const boxRows = boxesOut.dims.at(-2);
  const numClasses = labels ? 1 : scoreColumns(scoresOut.dims, boxRows);
  if (!(numClasses >= 1))
    throw fail(`needs scores [.., N, C] with a fixed C; ${scores} is [${scoresOut.dims}]`);
  const background = output.background ?? defaults.background ?? -1;
  if (background >= numClasses) {
    throw fail(`has ${numClasses} score columns, so output.background ${background} is not one of them`);
  }
  const classNames = ctx.labels.length;
  // DETR's scores have an activation that says what they are; raw boxes-scores columns need names.
  if (layout === 'boxes-scores' && numClasses > 1 && background < 0 && classNames === 0) {
    throw fail(
      `has ${numClasses} score columns and no class names: if one column is a background (SSD, UltraFace: column 0), set output.background; name the classes with a labels file`,
    );
  }
  return {
    boxes,
    scores,
    ...(labels ? { labels } : {}),
    numClasses,
    boxFormat: output.boxFormat ?? defaults.boxFormat ?? 'xyxy',
    boxUnits: output.boxUnits ?? defaults.boxUnits ?? 'normalized',
    activation: output.activation ?? defaults.activation ?? 'none',
    background,
  };
}

/** A decoder over separate box and score tensors (shared with DETR); `width × height` is the input size. */
export function boxesDecoder(
  s: BoxesSettings,
  width: number,
  height: number,
  nmsFree: boolean,
  kernels: Kernels,
): Decoder {
  const [scaleX, scaleY] = s.boxUnits === 'normalized' ? [width, height] : [1, 1];
  return {
    capacity: (outputs) => rowsOf(outputs[s.boxes], 4),
    keypoints: 0,
    extras: 0,
    nmsFree,
    units: s.boxUnits === 'original' ? 'original' : 'input',
    decode: (outputs, confThreshold, out) =>
      kernels.decodeBoxes(
        floats(outputs[s.boxes]),
        floats(outputs[s.scores]),
        s.labels ? asInt32(outputs[s.labels]) : null,
        {
          count: rowsOf(outputs[s.boxes], 4),
          numClasses: s.numClasses,
          boxFormat: s.boxFormat,
          scaleX,
          scaleY,
          activation: s.activation,
          background: s.background,
          confThreshold,
        },
        out,
      ),
  };
}

/** Already-decoded boxes and scores: SSD, UltraFace, torchvision and TensorFlow exports. */
export const boxesScores: DetectLayout = {
  name: 'boxes-scores',
  summary:
    'separate boxes [.., N, 4] and scores [.., N, C] (optionally labels [.., N]), already decoded: SSD, UltraFace, torchvision, TF',
  recognise(signature) {
    const boxes = named(signature, 'boxes');
    const scores = named(signature, 'scores');
    return boxes && scores ? `its outputs are named ${boxes.name} and ${scores.name}` : undefined;
  },
  configure(ctx) {
    const settings = boxesSettings(ctx, 'boxes-scores');
    return { outputNames: outputsOf(settings), settings };
  },
  createDecoder(spec, kernels) {
    const { width, height } = spec.preprocess;
    return boxesDecoder(spec.head.settings as BoxesSettings, width, height, false, kernels);
  },
};

/** The outputs a boxes-scores rocket fetches. */
export const outputsOf = (s: BoxesSettings): string[] => [s.boxes, s.scores, ...(s.labels ? [s.labels] : [])];
