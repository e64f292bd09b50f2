/** Grids of strided heads (YOLOX and the face detectors). */
import { RocketError } from '../../../errors.js';
import type { Candidates, FaceStrideOptions } from '../../../kernels/types.js';
import type { SignatureEntry } from '../../../rocket/infer.js';
import type { Preprocess } from '../../../rocket/types.js';
import { describeEntries } from '../../signature.js';
import type { OutputView } from '../../types.js';
import type { Decoder } from '../layout.js';
import { anchorCount } from './tensors.js';

/** The strides of most strided heads. */
export const DEFAULT_STRIDES = [8, 16, 32] as const;

/** One stride's grid: ⌊height / s⌋ rows of ⌊width / s⌋ cells. */
export interface StrideGrid {
  stride: number;
  gridWidth: number;
  gridHeight: number;
}

/** One level of a strided face head: its grid, anchors per cell and landmark output, if any. */
export interface FaceLevel extends StrideGrid {
  anchorsPerCell: number;
  kps?: string;
}

/** BGR pixels 0..255 in the top-left corner of the canvas: YOLOX's and OpenCV's preprocessing. */
export const BGR_TOP_LEFT: Partial<Preprocess> = {
  channelOrder: 'bgr',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  align: 'top-left',
};

/** Candidate buffers from index `at` on, so each level writes after the ones before it. */
function from(out: Candidates, at: number, keypoints: number): Candidates {
  return {
    boxes: out.boxes.subarray(4 * at),
    scores: out.scores.subarray(at),
    classes: out.classes.subarray(at),
    ...(out.keypoints ? { keypoints: out.keypoints.subarray(2 * keypoints * at) } : {}),
  };
}

/**
 * A decoder that runs one kernel call per level (SCRFD, YuNet), each writing its candidates after
 * the previous level's; 5 landmarks per face when the levels have a landmark output.
 */
export function levelDecoder<L extends FaceLevel>(
  levels: readonly L[],
  decodeLevel: (
    level: L,
    outputs: Record<string, OutputView>,
    options: FaceStrideOptions,
    out: Candidates,
  ) => number,
): Decoder {
  const keypoints = levels[0]?.kps ? 5 : 0;
  const capacity = levels.reduce((n, l) => n + l.gridWidth * l.gridHeight * l.anchorsPerCell, 0);
  return {
    capacity: () => capacity,
    keypoints,
    extras: 0,
    nmsFree: false,
    units: 'input',
    decode(outputs, confThreshold, out) {
      let count = 0;
      for (const level of levels) {
        const { stride, gridWidth, gridHeight, anchorsPerCell } = level;
        const options = {
          stride,
          gridWidth,
          gridHeight,
          anchorsPerCell,
          numKeypoints: keypoints,
          confThreshold,
        };
        count += decodeLevel(level, outputs, options, from(out, count, keypoints));
      }
      return count;
    },
  };
}

export const gridsOf = (strides: readonly number[], width: number, height: number): StrideGrid[] =>
  strides.map((stride) => ({
    stride,
    gridWidth: Math.floor(width / stride),
    gridHeight: Math.floor(height / stride),
  }));

/** The outputs named `prefix_S` for each stride S (score_8, score_16, …), when all are there. */
export function namedPerStride(
  outputs: readonly SignatureEntry[],
  prefix: string,
  strides: readonly number[],
): SignatureEntry[] | undefined {
  const byName = strides.map((s) => outputs.find((o) => o.name === `${prefix}_${s}`));
  return byName.every(Boolean) ? (byName as SignatureEntry[]) : undefined;
}

/**
 * The per-stride outputs of a face head: `prefix_S` by name (SCRFD: score_8, bbox_8, kps_8), or
 * else the outputs whose last dimension is `width`, most anchors (smallest stride) first.
 */
export function perStride(
  outputs: readonly SignatureEntry[],
  prefix: string,
  width: number,
  strides: readonly number[],
): SignatureEntry[] | undefined {
  const byName = namedPerStride(outputs, prefix, strides);
  if (byName) return byName;
  const byShape = outputs
    .filter((o) => o.dims.length >= 2 && o.dims.at(-1) === width)
    .sort((a, b) => (anchorCount(b) ?? 0) - (anchorCount(a) ?? 0));
  return byShape.length === strides.length ? byShape : undefined;
}

/** ROCKET_UNSUPPORTED for a strided head whose outputs cannot be found. */
export function missingOutputs(
  modelPath: string,
  format: string,
  what: string,
  outputs: readonly SignatureEntry[],
) {
  return new RocketError(
    'ROCKET_UNSUPPORTED',
    `Rocket ${modelPath}: output.format ${format} needs ${what}; the model's outputs are ` +
      `${describeEntries(outputs)}. Set output.strides in rocket.json if its strides are not [8, 16, 32].`,
  );
}
