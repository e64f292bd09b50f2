/** Grids of strided heads (YOLOX and the face detectors). */
import { RocketError } from '../../../errors.js';
import type { SignatureEntry } from '../../../rocket/infer.js';
import { anchorCount } from './tensors.js';

/** The strides of most strided heads. */
export const DEFAULT_STRIDES = [8, 16, 32] as const;

/** One stride's grid: ⌊height / s⌋ rows of ⌊width / s⌋ cells. */
export interface StrideGrid {
  stride: number;
  gridWidth: number;
  gridHeight: number;
}

export const gridsOf = (strides: readonly number[], width: number, height: number): StrideGrid[] =>
  strides.map((stride) => ({
    stride,
    gridWidth: Math.floor(width / stride),
    gridHeight: Math.floor(height / stride),
  }));

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
  const byName = strides.map((s) => outputs.find((o) => o.name === `${prefix}_${s}`));
  if (byName.every(Boolean)) return byName as SignatureEntry[];
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
      `${outputs.map((o) => `${o.name} [${o.dims}]`).join(', ')}. Set output.strides in rocket.json if its strides are not [8, 16, 32].`,
  );
}
