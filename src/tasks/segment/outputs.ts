/**
 * How a YOLOv8-seg model lays out its outputs: a head `[1, 4 + C + M, N]` (cx, cy, w, h, C class
 * scores and M mask coefficients per anchor) and prototypes `[1, M, h, w]`.
 */
import type { ModelSignature, SignatureEntry } from '../../rocket/infer.js';
import { describeEntries, rank, tensorOutputs } from '../signature.js';

/** The one output format of the segment family (rocket.json `output.format`). */
export const SEGMENT_FORMAT = 'yolov8-seg';

/** The head's shape in words, for messages. */
export const SEGMENT_SHAPES = 'a head [1, 4 + C + M, N] and mask prototypes [1, M, h, w]';

/** A model's segmentation outputs, read. */
export interface SegmentOutputs {
  head: SignatureEntry;
  protos: SignatureEntry;
  numClasses: number;
  numMasks: number;
}

/**
 * The segmentation outputs of a model, or why it has none: exactly one rank-3 and one rank-4
 * tensor output, the prototypes' M fixed, and the head's rows 4 + C + M with C the labels' count
 * (without labels: C = rows − 4 − M, at least 1).
 */
export function readSegmentOutputs(
  signature: ModelSignature,
  labels: readonly string[],
): SegmentOutputs | { problem: string } {
  const outputs = tensorOutputs(signature);
  const head = outputs.find((o) => rank(o) === 3);
  const protos = outputs.find((o) => rank(o) === 4);
  if (outputs.length !== 2 || !head || !protos) {
    return {
      problem: `it needs ${SEGMENT_SHAPES}, and its outputs are ${describeEntries(outputs) || 'none'}`,
    };
  }
  const shapes = describeEntries([head, protos], ' and ');
  const [, rows] = head.dims;
  const [, numMasks] = protos.dims;
  if (typeof rows !== 'number' || typeof numMasks !== 'number' || numMasks < 1) {
    return { problem: `the rows of ${shapes} are not fixed numbers (${SEGMENT_SHAPES})` };
  }
  const numClasses = rows - 4 - numMasks;
  if (numClasses < 1) {
    return { problem: `${shapes} leave ${numClasses} class rows for ${numMasks} mask coefficients` };
  }
  if (labels.length > 0 && labels.length !== numClasses) {
    return {
      problem:
        `${shapes} hold ${numClasses} class scores (${rows} rows − 4 box − ${numMasks} mask coefficients), ` +
        `but the labels name ${labels.length}`,
    };
  }
  return { head, protos, numClasses, numMasks };
}
