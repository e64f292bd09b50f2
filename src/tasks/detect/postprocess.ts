import type { Job } from '../../inference/messages.js';
import type { Candidates, Kernels } from '../../kernels/types.js';
import { labelOf } from '../../rocket/labels.js';
import type { ImageRocketSpec, Thresholds } from '../../rocket/types.js';
import type { Head, OutputView } from '../types.js';
import { chooseFormat, outputInvalid, shownValue } from '../validate.js';
import { FACE_LANDMARKS } from './faces.js';
import type { Decoder, DetectHead } from './layout.js';
import { LAYOUTS } from './layouts/index.js';
import type { Detection, Keypoint } from './schema.js';

/** How many canvas sizes a candidate box may reach outside the canvas before it cannot be right. */
const OVERSHOOT = 4;

/** What an OUTPUT_INVALID of a detect rocket suggests: the layouts. */
const CHOOSE_LAYOUT = chooseFormat(LAYOUTS.map((l) => l.name).join(', '));

/**
 * What a family built on detection adds to it, created once per worker: segment's masks, pose's
 * keypoints, obb's rotated boxes. Each reads the candidates' `extras` (the values after the class
 * scores) and may replace NMS.
 */
export interface DetectionExtension {
  /** What an OUTPUT_INVALID of this family suggests (a sentence); detect's: choose a layout. */
  fix?: string;
  /**
   * Checks the extras of every candidate before suppression.
   * @throws RocketError OUTPUT_INVALID at the first that cannot be right.
   */
  check?(c: Candidates, count: number, job: Job): void;
  /** Suppression in place of axis-aligned NMS (obb: rotated); writes the kept indices, returns their count. */
  suppress?(c: Candidates, count: number, thresholds: Thresholds, kept: Int32Array): number;
  /**
   * The response detection of kept candidate `i`, from the detection with its xyxy box. Called
   * in kept order, one detection at a time, so per-detection buffers can be reused.
   */
  finish?(
    detection: Detection,
    i: number,
    c: Candidates,
    outputs: Record<string, OutputView>,
    job: Job,
  ): Record<string, unknown>;
}

/**
 * The worker side of the detect family and the families built on it: the layout's decoder writes
 * candidates, every candidate is checked (a score outside [0, 1], a class beyond the labels or a
 * box far outside the canvas means the layout is misread: OUTPUT_INVALID), then NMS (unless the
 * model is NMS-free), then the boxes go back through the letterbox to image pixels, clamped to
 * the image, and the extension adds its fields. Buffers are sized once per worker and reused.
 */
export function createDetectHead(
  spec: ImageRocketSpec<DetectHead>,
  decoder: Decoder,
  kernels: Kernels,
  extension: DetectionExtension = {},
): Head {
  let out = candidates(0, decoder);
  let kept = new Int32Array(0);
  const check = candidateCheck(spec, decoder, extension.fix ?? CHOOSE_LAYOUT);
  const suppress =
    extension.suppress ??
    ((c: Candidates, count: number, t: Thresholds, into: Int32Array) =>
      kernels.nms(
        c.boxes,
        c.scores,
        c.classes,
        {
          count,
          // NMS-free models: IoU never exceeds 1, so this only orders by score and caps the count.
          iouThreshold: decoder.nmsFree ? 1 : t.iou,
          maxDetections: t.maxDetections,
          classAware: t.classAware,
        },
        into,
      ));
  return {
    extraFeeds: decoder.extraFeeds?.bind(decoder),
    postprocess(outputs, job) {
      const t = job.thresholds;
      const capacity = decoder.capacity(outputs);
      if (kept.length < capacity) {
        out = candidates(capacity, decoder);
        kept = new Int32Array(capacity);
      }
      const count = decoder.decode(outputs, t.confidence, out, job);
      check(out, count, job);
      extension.check?.(out, count, job);
      const n = suppress(out, count, t, kept);
      const detections = toDetections(spec, decoder, out, kept.subarray(0, n), job);
      const finish = extension.finish;
      if (!finish) return { detections };
      return { detections: detections.map((d, k) => finish(d, kept[k] as number, out, outputs, job)) };
    },
  };
}

/** Buffers for `capacity` candidates with the decoder's landmarks and extras each. */
function candidates(capacity: number, decoder: Decoder): Candidates {
  const { keypoints, extras } = decoder;
  return {
    boxes: new Float32Array(4 * capacity),
    scores: new Float32Array(capacity),
    classes: new Int32Array(capacity),
    ...(keypoints > 0 ? { keypoints: new Float32Array(2 * keypoints * capacity) } : {}),
    ...(extras > 0 ? { extras: new Float32Array(extras * capacity) } : {}),
  };
}

/** Checks every candidate; throws OUTPUT_INVALID at the first that cannot be right. */
function candidateCheck(spec: ImageRocketSpec<DetectHead>, decoder: Decoder, fix: string) {
  const classes = spec.labels.length;
  return (c: Candidates, count: number, job: Job) => {
    // Boxes may overshoot the canvas (objects cut by the edge; a YOLOv5 anchor box can reach 4 ×
    // 373 px at stride 32 even where nothing is found), never by several canvas sizes.
    const [w, h] =
      decoder.units === 'input'
        ? [spec.preprocess.width, spec.preprocess.height]
        : [job.original.width, job.original.height];
    for (let i = 0; i < count; i++) {
      const score = c.scores[i] as number;
      const cls = c.classes[i] as number;
      if (!(score >= 0 && score <= 1)) throw outputInvalid(spec, `a confidence of ${shownValue(score)}`, fix);
      if (cls < 0 || (classes > 0 && cls >= classes)) {
        const what =
          cls < 0 ? 'a class that is not a whole number' : `class ${cls} of a ${classes}-label model`;
        throw outputInvalid(spec, what, fix);
      }
      for (let k = 0; k < 4; k++) {
        const v = c.boxes[4 * i + k] as number;
        const size = k % 2 === 0 ? w : h;
        if (!(v >= -OVERSHOOT * size && v <= (1 + OVERSHOOT) * size)) {
          throw outputInvalid(spec, `a box coordinate of ${shownValue(v)} for a ${w}×${h} canvas`, fix);
        }
      }
    }
  };
}

function toDetections(
  spec: ImageRocketSpec<DetectHead>,
  decoder: Decoder,
  c: Candidates,
  kept: Int32Array,
  job: Job,
): Detection[] {
  const { placement: p, original } = job;
  const mapped = decoder.units === 'input';
  const toX = (x: number) => (mapped ? (x - p.offsetX) / p.scaleX : x);
  const toY = (y: number) => (mapped ? (y - p.offsetY) / p.scaleY : y);
  const k = decoder.keypoints;
  return Array.from(kept, (i): Detection => {
    const cls = c.classes[i] as number;
    const detection: Detection = {
      label: labelOf(spec.labels, cls),
      class: cls,
      confidence: round(c.scores[i] as number, 4),
      box: {
        x1: round(clamp(toX(c.boxes[4 * i] as number), original.width), 1),
        y1: round(clamp(toY(c.boxes[4 * i + 1] as number), original.height), 1),
        x2: round(clamp(toX(c.boxes[4 * i + 2] as number), original.width), 1),
        y2: round(clamp(toY(c.boxes[4 * i + 3] as number), original.height), 1),
      },
    };
    if (k > 0 && c.keypoints) {
      const points = c.keypoints;
      detection.keypoints = Array.from({ length: k }, (_, j): Keypoint => {
        const point: Keypoint = {
          x: round(toX(points[2 * (i * k + j)] as number), 1),
          y: round(toY(points[2 * (i * k + j) + 1] as number), 1),
        };
        const name = k === FACE_LANDMARKS.length ? FACE_LANDMARKS[j] : undefined;
        return name ? { ...point, name } : point;
      });
    }
    return detection;
  });
}

const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
/** `v` rounded to `digits` decimals, as every detection family reports coordinates and scores. */
export const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
