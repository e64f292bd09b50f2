import { RocketError } from '../../../errors.js';
import type { Kernels } from '../../../kernels/types.js';
import type { ModelSignature } from '../../../rocket/infer.js';
import { onlyOutput, rank, tensorOutputs } from '../../signature.js';
import type { OutputView } from '../../types.js';
import type { Decoder, DetectLayout, LayoutContext } from '../layout.js';
import { floats, rowsOf } from './tensors.js';

/** A YOLO head's classes; its anchors are counted from each output (they may be symbolic). */
interface YoloSettings {
  numClasses: number;
}

/** The one rank-3 output of a YOLO head, or undefined. */
function headOf(signature: ModelSignature) {
  const only = onlyOutput(signature);
  return rank(only) === 3 ? only : undefined;
}

function configureYolo(ctx: LayoutContext, v8: boolean) {
  const head = headOf(ctx.signature);
  const [, a, b] = head?.dims ?? [];
  const [rows, across] = v8 ? [b, a] : [a, b];
  const numClasses = typeof across === 'number' ? across - (v8 ? 4 : 5) : Number.NaN;
  if (!head || rows === undefined || !(numClasses > 0)) {
    const shape = v8 ? '[1, 4 + classes, anchors]' : '[1, anchors, 5 + classes]';
    throw new RocketError(
      'ROCKET_UNSUPPORTED',
      `Rocket ${ctx.modelPath}: output.format ${v8 ? 'yolov8' : 'yolov5'} needs one output ${shape}; ` +
        `the model has ${head ? `${head.name} [${head.dims}]` : `${tensorOutputs(ctx.signature).length} outputs`}`,
    );
  }
  if (ctx.labels.length > 0 && ctx.labels.length !== numClasses) {
    throw new RocketError(
      'ROCKET_UNSUPPORTED',
      `Rocket ${ctx.modelPath}: output ${head.name} [${head.dims}] read as ${v8 ? 'yolov8' : 'yolov5'} has ` +
        `${numClasses} class${numClasses === 1 ? '' : 'es'}, but the labels name ${ctx.labels.length}. If the model is not a plain ` +
        'detector, set its task in rocket.json (segment, pose or obb); else fix the labels or output.format.',
    );
  }
  const settings: YoloSettings = { numClasses };
  return { outputNames: [head.name], settings };
}

function yoloLayout(v8: boolean): DetectLayout {
  const name = v8 ? 'yolov8' : 'yolov5';
  return {
    name,
    summary: v8
      ? '[1, 4 + C, N]: cx, cy, w, h then C class scores per anchor (YOLOv8, YOLO11, YOLOv9)'
      : '[1, N, 5 + C]: cx, cy, w, h, objectness then C class scores (YOLOv5, YOLOv7, YOLOv3)',
    recognise(signature, labels) {
      const head = headOf(signature);
      const [, a, b] = head?.dims ?? [];
      // The box + class width is fixed; the anchor count may be symbolic (any input size).
      const across = v8 ? a : b;
      if (!head || typeof across !== 'number') return undefined;
      const anchors = typeof (v8 ? b : a) === 'number' ? ((v8 ? b : a) as number) : Number.POSITIVE_INFINITY;
      const c = labels.length;
      // With class names the width settles it: 4 + C rows (v8) or 5 + C columns (v5).
      if (c > 0) {
        if (v8 && across === 4 + c)
          return `output ${head.name} [${head.dims}] has 4 + ${c} rows for its ${c} class names`;
        if (!v8 && across === 5 + c && anchors !== across) {
          return `output ${head.name} [${head.dims}] has 5 + ${c} columns for its ${c} class names`;
        }
        return undefined;
      }
      // Without names: YOLOv8 puts the (few) box + class rows before the (many) anchors; YOLOv5 the
      // other way round. Six columns are ambiguous (one-class YOLOv5, or NMS-free rows).
      if (v8 && across > 4 && across < anchors)
        return `output ${head.name} [${head.dims}] has fewer rows than anchors`;
      if (!v8 && across > 5 && across < anchors && across !== 6)
        return `output ${head.name} [${head.dims}] has fewer columns than rows`;
      return undefined;
    },
    configure: (ctx) => configureYolo(ctx, v8),
    createDecoder(spec, kernels) {
      const s = spec.head.settings as YoloSettings;
      return yoloDecoder(spec.outputNames[0] ?? '', v8, s.numClasses, 0, kernels);
    },
  };
}

/**
 * A decoder of a YOLO head: `[1, 4 + C + E, N]` (v8) or `[1, N, 5 + C]` (v5). The E values after
 * the class scores of a v8 head (segment's mask coefficients, pose's keypoints, obb's angle) are
 * copied into the candidates' extras.
 */
export function yoloDecoder(
  output: string,
  v8: boolean,
  numClasses: number,
  numExtras: number,
  kernels: Kernels,
): Decoder {
  const layout = v8 ? ('v8' as const) : ('v5' as const);
  const width = numClasses + numExtras + (v8 ? 4 : 5);
  const anchorsOf = (outputs: Record<string, OutputView>) => rowsOf(outputs[output], width);
  return {
    capacity: anchorsOf,
    keypoints: 0,
    extras: numExtras,
    nmsFree: false,
    units: 'input',
    decode: (outputs, confThreshold, out) =>
      kernels.decodeYolo(
        floats(outputs[output]),
        { layout, numClasses, numAnchors: anchorsOf(outputs), confThreshold, numExtras },
        out,
      ),
  };
}

/** YOLOv8 / YOLO11: `[1, 4 + C, N]`, no objectness. */
export const yolov8 = yoloLayout(true);
/** YOLOv5 / YOLOv7 / YOLOv3: `[1, N, 5 + C]` with objectness. */
export const yolov5 = yoloLayout(false);
