import type { WireTensor } from '../../../inference/messages.js';
import type { ModelSignature } from '../../../rocket/infer.js';
import { outputNamed } from '../../signature.js';
import type { DetectLayout, LayoutContext } from '../layout.js';
import { type BoxesSettings, boxesDecoder, boxesSettings, outputsOf } from './boxes-scores.js';

/** The input DETR-style exports take the original image sizes on (width, height per image). */
const SIZES_INPUT = 'orig_target_sizes';

/** The DETR variant of the model: labels/boxes/scores with original sizes, or logits/pred_boxes. */
function variant(signature: ModelSignature): 'sizes' | 'logits' | undefined {
  if (
    signature.inputs.some((i) => i.name === SIZES_INPUT) &&
    outputNamed(signature, 'labels') &&
    outputNamed(signature, 'boxes')
  ) {
    return 'sizes';
  }
  return outputNamed(signature, 'logits', 'pred_logits') && outputNamed(signature, 'pred_boxes')
    ? 'logits'
    : undefined;
}

function settingsFor(ctx: LayoutContext): BoxesSettings & { sizesInput?: string } {
  if (variant(ctx.signature) === 'sizes') {
    // RT-DETR, D-FINE, DEIM: the model scales its xyxy boxes by the original sizes it is given.
    return {
      ...boxesSettings(ctx, 'detr', {
        boxes: 'boxes',
        scores: 'scores',
        labels: 'labels',
        boxUnits: 'original',
      }),
      sizesInput: SIZES_INPUT,
    };
  }
  const logits = outputNamed(ctx.signature, 'logits', 'pred_logits')?.name ?? 'logits';
  const columns = outputNamed(ctx.signature, logits)?.dims.at(-1);
  // One column more than the class names: DETR's softmax with a last "no object" column.
  const noObject = typeof columns === 'number' && ctx.labels.length > 0 && columns === ctx.labels.length + 1;
  return boxesSettings(ctx, 'detr', {
    boxes: 'pred_boxes',
    scores: logits,
    boxFormat: 'cxcywh',
    boxUnits: 'normalized',
    activation: noObject ? 'softmax' : 'sigmoid',
    ...(noObject ? { background: columns - 1 } : {}),
  });
}

/** DETR-style set prediction (RT-DETR, D-FINE, DEIM, DETR): no anchors, no NMS. */
export const detr: DetectLayout = {
  name: 'detr',
  summary:
    'DETR-style queries: labels, boxes (xyxy, original pixels) and scores given orig_target_sizes (RT-DETR, D-FINE, DEIM), or logits / pred_logits with pred_boxes (cx, cy, w, h in 0..1)',
  recognise(signature) {
    const v = variant(signature);
    if (v === 'sizes') return `it takes ${SIZES_INPUT} and its outputs are named labels, boxes and scores`;
    return v ? 'its outputs are named logits (or pred_logits) and pred_boxes' : undefined;
  },
  configure(ctx) {
    const settings = settingsFor(ctx);
    return {
      outputNames: outputsOf(settings),
      settings,
      // The model sees the whole image resized (it scales boxes by the original size itself).
      preprocess: { resize: 'stretch' },
    };
  },
  createDecoder(spec, kernels) {
    const settings = spec.head.settings as BoxesSettings & { sizesInput?: string };
    const { width, height } = spec.preprocess;
    const decoder = boxesDecoder(settings, width, height, true, kernels);
    const input = settings.sizesInput;
    if (!input) return decoder;
    return {
      ...decoder,
      extraFeeds: (jobs): Record<string, WireTensor> => ({
        [input]: {
          type: 'int64',
          dims: [jobs.length, 2],
          data: BigInt64Array.from(
            jobs.flatMap((j) => [BigInt(j.original.width), BigInt(j.original.height)]),
          ),
        },
      }),
    };
  },
};
