/** Shared builders of the task-family unit tests: signatures, specs and jobs, no model files. */
import { planPlacement } from '../../src/image/geometry.js';
import type { Job } from '../../src/inference/messages.js';
import { inferSpec, type ManifestContext, type ModelSignature } from '../../src/rocket/infer.js';
import type { ImageRocketSpec, Thresholds } from '../../src/rocket/types.js';
import type { FamilyOptions } from '../../src/tasks/types.js';

export type Dims = (number | string)[];

/** A signature from `[name, dims]` pairs (float32 tensors unless `elemType` is given). */
export function signature(
  inputs: [string, Dims][],
  outputs: [string, Dims, number?][],
  metadata: Record<string, string> = {},
): ModelSignature {
  return {
    metadata,
    inputs: inputs.map(([name, dims]) => ({ name, dims })),
    outputs: outputs.map(([name, dims, elemType]) => ({
      name,
      dims,
      ...(elemType !== undefined ? { elemType } : {}),
    })),
  };
}

/** Ultralytics `names` metadata for these labels: `{0: 'a', 1: 'b'}`. */
export const namesMetadata = (labels: readonly string[]): string =>
  `{${labels.map((l, i) => `${i}: '${l}'`).join(', ')}}`;

/** `n` labels c0, c1, ... */
export const labelsOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

/** inferSpec for an image rocket; fails when the spec takes rows. */
export function imageSpec(sig: ModelSignature, ctx: ManifestContext = {}, path = '/m.onnx'): ImageRocketSpec {
  const spec = inferSpec(path, sig, ctx);
  if (spec.input !== 'image') throw new Error(`expected an image rocket, got ${spec.task}`);
  return spec;
}

export const THRESHOLDS: Thresholds = {
  confidence: 0.25,
  iou: 0.7,
  topk: 5,
  maxDetections: 300,
  classAware: true,
};

/**
 * A job for an original image of `original` pixels, placed as the spec's preprocessing places it
 * (the pixels are never read by a head's postprocess).
 */
export function jobFor(
  spec: ImageRocketSpec,
  original: { width: number; height: number },
  thresholds: Partial<Thresholds> = {},
  options: FamilyOptions = {},
): Job {
  const pre = spec.preprocess;
  const channels = pre.channelOrder === 'gray' ? 1 : 3;
  return {
    pixels: new Uint8Array(pre.width * pre.height * channels),
    width: pre.width,
    height: pre.height,
    channels,
    original,
    placement: planPlacement(original.width, original.height, pre),
    thresholds: { ...THRESHOLDS, ...thresholds },
    options,
  };
}

/** SCRFD's outputs for a square input: score/bbox/kps per stride, 2 anchors per cell. */
export function scrfdSignature(size: number): ModelSignature {
  const outputs: [string, number[]][] = [];
  for (const [prefix, width] of [
    ['score', 1],
    ['bbox', 4],
    ['kps', 10],
  ] as const) {
    for (const s of [8, 16, 32]) outputs.push([`${prefix}_${s}`, [2 * (size / s) ** 2, width]]);
  }
  return signature([['input.1', [1, 3, size, size]]], outputs);
}

/** YuNet's outputs for a square input: cls/obj/bbox/kps per stride, 1 anchor per cell. */
export function yunetSignature(size: number): ModelSignature {
  const outputs: [string, number[]][] = [];
  for (const [prefix, width] of [
    ['cls', 1],
    ['obj', 1],
    ['bbox', 4],
    ['kps', 10],
  ] as const) {
    for (const s of [8, 16, 32]) outputs.push([`${prefix}_${s}`, [1, (size / s) ** 2, width]]);
  }
  return signature([['input', [1, 3, size, size]]], outputs);
}
