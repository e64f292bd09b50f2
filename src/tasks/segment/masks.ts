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
import { outerContours } from './contours.js';
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
 * The region of the original image under an input-pixel box: its corners mapped back through the
 * placement (input = original × scale + offset), rounded outwards and clamped to the image.
 */
function regionUnder(box: ArrayLike<number>, job: Job): MaskRegion {
  const { placement: p, original } = job;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const x = clamp(Math.floor(((box[0] as number) - p.offsetX) / p.scaleX), original.width);
  const y = clamp(Math.floor(((box[1] as number) - p.offsetY) / p.scaleY), original.height);
  const right = clamp(Math.ceil(((box[2] as number) - p.offsetX) / p.scaleX), original.width);
  const bottom = clamp(Math.ceil(((box[3] as number) - p.offsetY) / p.scaleY), original.height);
  return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}

/**
 * The segment family's part of the detect head: checks the mask coefficients of every candidate
 * (a non-finite one is OUTPUT_INVALID), then gives each kept detection its `area` and its mask as
 * `polygons` or `rle` (`job.options.masks`, polygon when absent). The mask is
 * `kernels.segmentMask` over the detection's box in original pixels, written into one buffer that
 * grows to the largest box so far and is reused.
 */
export function maskExtension(
  spec: ImageRocketSpec<SegmentHead>,
  protosName: string,
  kernels: Kernels,
): DetectionExtension {
  const { numMasks } = spec.head.settings;
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
      const region = regionUnder(box, job);
      if (mask.length < region.width * region.height) mask = new Uint8Array(region.width * region.height);
      const { placement: p, original } = job;
      const area = kernels.segmentMask(
        protos.data,
        coefficientsOf(c, i),
        {
          numMasks,
          protoWidth: protos.width,
          protoHeight: protos.height,
          inputWidth: spec.preprocess.width,
          inputHeight: spec.preprocess.height,
          box: [box[0] as number, box[1] as number, box[2] as number, box[3] as number],
          scaleX: p.scaleX,
          scaleY: p.scaleY,
          offsetX: p.offsetX,
          offsetY: p.offsetY,
          regionX: region.x,
          regionY: region.y,
          regionWidth: region.width,
          regionHeight: region.height,
        },
        mask,
      );
      const format = (job.options.masks as MaskFormat | undefined) ?? 'polygon';
      if (format === 'polygon') {
        return {
          ...detection,
          area,
          polygons: outerContours(mask, region.width, region.height, region.x, region.y),
        };
      }
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
