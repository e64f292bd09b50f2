/**
 * The instance masks of the segment family's detections, in the worker: one mask per kept
 * detection, computed over its box only and turned into the form the request asks for before the
 * next, so no whole-image mask is ever made.
 */
import type { Job } from '../../inference/messages.js';
import type { Candidates, Kernels } from '../../kernels/types.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import type { DetectHead } from '../detect/layout.js';
import type { DetectionExtension } from '../detect/postprocess.js';
import type { OutputView } from '../types.js';
import { outputInvalid, shownValue } from '../validate.js';
import { outerContours, type Point } from './contours.js';
import { fillRings, regionOptions, ringsRegion } from './fill.js';
import { SEGMENT_FORMAT, SEGMENT_SHAPES } from './outputs.js';
import { encodeRegionRle, type MaskRegion } from './rle.js';

/** The forms of a mask in the response (the `masks` query parameter); the first is the default. */
export const MASK_FORMATS = ['polygon', 'rle', 'none'] as const;
export type MaskFormat = (typeof MASK_FORMATS)[number];

/** The segment family's `spec.head`: a detect head of the yolov8-seg layout. */
export interface SegmentHead extends DetectHead {
  settings: { numClasses: number; numMasks: number };
}

/** What the OUTPUT_INVALID messages of the segment family offer. */
const FIX = `Task segment reads ${SEGMENT_SHAPES} (${SEGMENT_FORMAT})`;

/**
 * The input pixels of `box` that show the image: the box rounded outwards to whole pixels and
 * clamped to where the placement put the image (not the letterbox's padding).
 */
function inputRegionUnder(box: ArrayLike<number>, job: Job, spec: ImageRocketSpec): MaskRegion {
  const { placement: p } = job;
  const { width, height } = spec.preprocess;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const left = Math.max(0, p.offsetX);
  const top = Math.max(0, p.offsetY);
  const right = Math.min(width, p.offsetX + p.resizeWidth);
  const bottom = Math.min(height, p.offsetY + p.resizeHeight);
  const x = clamp(Math.floor(box[0] as number), left, right);
  const y = clamp(Math.floor(box[1] as number), top, bottom);
  const x2 = clamp(Math.ceil(box[2] as number), x, right);
  const y2 = clamp(Math.ceil(box[3] as number), y, bottom);
  return { x, y, width: x2 - x, height: y2 - y };
}

/**
 * Rings of input-pixel centres placed on the original image through the placement, where a
 * pixel's centre is its index: x = (x_input + 0.5 − offsetX) / scaleX − 0.5 (likewise y), to 0.1
 * pixel, kept within the image's extent (−0.5 to size − 0.5).
 */
function toOriginal(rings: Point[][], job: Job): Point[][] {
  const { placement: p, original } = job;
  const map = (v: number, offset: number, scale: number, size: number) =>
    Math.round(Math.min(Math.max((v + 0.5 - offset) / scale - 0.5, -0.5), size - 0.5) * 10) / 10;
  return rings.map((ring) =>
    ring.map(
      ([x, y]): Point => [
        map(x, p.offsetX, p.scaleX, original.width),
        map(y, p.offsetY, p.scaleY, original.height),
      ],
    ),
  );
}

/**
 * The segment family's part of the detect head: checks the mask coefficients of every candidate
 * (a non-finite one is OUTPUT_INVALID), then gives each kept detection its `area` and its mask as
 * `polygons` or `rle` (`job.options.masks`, polygon when absent).
 *
 * A detection's mask is first made at the model's input size, over its box: `kernels.segmentMask`
 * (crop, upsample, threshold). Its outer contours, mapped to the original image, are the
 * `polygons`, as Ultralytics' `masks.xy` are; the pixels they enclose ({@link fillRings}) are the
 * mask in original pixels that `rle` encodes and `area` counts. Both masks are written into buffers
 * that grow to the largest so far and are reused.
 */
export function maskExtension(
  spec: ImageRocketSpec<SegmentHead>,
  protosName: string,
  kernels: Kernels,
): DetectionExtension {
  const { numMasks } = spec.head.settings;
  let inputMask = new Uint8Array(0);
  let mask = new Uint8Array(0);
  const coefficientsOf = (c: Candidates, i: number) =>
    (c.extras as Float32Array).subarray(i * numMasks, (i + 1) * numMasks);
  return {
    fix: FIX,
    check(c, count) {
      const extras = c.extras as Float32Array;
      for (let k = 0; k < count * numMasks; k++) {
        if (!Number.isFinite(extras[k]))
          throw outputInvalid(spec, `a mask coefficient of ${shownValue(extras[k] as number)}`, FIX);
      }
    },
    finish(detection, i, c, outputs, job) {
      const protos = prototypes(spec, outputs[protosName], numMasks);
      const box = c.boxes.subarray(4 * i, 4 * i + 4);
      const at = inputRegionUnder(box, job, spec);
      if (inputMask.length < at.width * at.height) inputMask = new Uint8Array(at.width * at.height);
      kernels.segmentMask(
        protos.data,
        coefficientsOf(c, i),
        {
          numMasks,
          protoWidth: protos.width,
          protoHeight: protos.height,
          inputWidth: spec.preprocess.width,
          inputHeight: spec.preprocess.height,
          box: [box[0] as number, box[1] as number, box[2] as number, box[3] as number],
          ...regionOptions(at),
        },
        inputMask,
      );
      const { original } = job;
      const polygons = toOriginal(outerContours(inputMask, at.width, at.height, at.x, at.y), job);
      const region = ringsRegion(polygons, original.width, original.height);
      if (mask.length < region.width * region.height) mask = new Uint8Array(region.width * region.height);
      const area = fillRings(polygons, region, mask, kernels);
      const format = (job.options.masks as MaskFormat | undefined) ?? 'polygon';
      if (format === 'polygon') return { ...detection, area, polygons };
      if (format === 'rle') {
        return { ...detection, area, rle: encodeRegionRle(mask, region, original.width, original.height) };
      }
      return { ...detection, area };
    },
  };
}

/**
 * The prototypes output `[1, M, h, w]` as segmentMask reads it.
 * @throws RocketError OUTPUT_INVALID when it is not M float planes.
 */
function prototypes(spec: ImageRocketSpec, view: OutputView | undefined, numMasks: number) {
  const [batch, m, height, width] = view?.dims ?? [];
  if (
    !(view?.data instanceof Float32Array) ||
    view.dims.length !== 4 ||
    batch !== 1 ||
    m !== numMasks ||
    view.data.length !== numMasks * (height as number) * (width as number)
  ) {
    throw outputInvalid(
      spec,
      `prototypes [${view?.dims ?? []}] for ${numMasks} mask coefficients per detection`,
      FIX,
    );
  }
  return { data: view.data, width: width as number, height: height as number };
}
