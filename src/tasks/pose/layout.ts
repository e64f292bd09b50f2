/**
 * How a pose model lays out its head: one output `[1, 4 + C + K × D, N]` (YOLOv8-pose, YOLO11-pose)
 * holding per anchor the box (cx, cy, w, h), C class scores, then K keypoints of D values: x, y in
 * input pixels and, when D = 3, a visibility that Ultralytics exports already pass through a sigmoid.
 */
import { RocketError } from '../../errors.js';
import type { ModelSignature } from '../../rocket/infer.js';
import { parseUltralyticsNames } from '../../rocket/labels.js';
import type { DetectHead } from '../detect/layout.js';
import { onlyOutput, rank } from '../signature.js';
import type { ImageFamilyContext } from '../types.js';
import { COCO_KEYPOINTS, COCO_SKELETON } from './coco.js';
import type { KeypointsManifest } from './manifest.js';

/** The name pose rockets report as their output format. */
export const POSE_FORMAT = 'yolov8-pose';

/** What a pose rocket's keypoints are. */
export interface KeypointSet {
  /** K. */
  count: number;
  /** Values per keypoint: 3 (x, y, visibility) or 2 (x, y). */
  values: 2 | 3;
  /** K names, in output order. */
  names: string[];
  /** Limbs as pairs of 0-based keypoint indices (drawing only). */
  skeleton: [number, number][];
}

/** A pose rocket's `spec.head`: its box and class part read as a YOLOv8 head, and its keypoints. */
export interface PoseHead extends DetectHead {
  layout: 'yolov8';
  settings: { numClasses: number };
  keypoints: KeypointSet;
}

/** The one rank-3 output of a pose head and its row count, or undefined. */
function headOf(signature: ModelSignature) {
  const only = onlyOutput(signature);
  const rows = only?.dims[1];
  return only && rank(only) === 3 && typeof rows === 'number' ? { output: only, rows } : undefined;
}

/** `kpt_shape` metadata as an Ultralytics export writes it (`[17, 3]`), or undefined. */
function parseKptShape(text: string | undefined): [number, 2 | 3] | undefined {
  const numbers = text?.match(/^\s*\[\s*(\d+)\s*,\s*([23])\s*\]\s*$/);
  if (!numbers) return undefined;
  const k = Number(numbers[1]);
  return k > 0 ? [k, Number(numbers[2]) as 2 | 3] : undefined;
}

/**
 * Zero-config: why the model is a pose model, or undefined. Its metadata says `task: pose`, or,
 * with no task, it has one YOLOv8-style head (fewer rows than anchors) whose rows after the box
 * and its named classes (`names` metadata) are a multiple of 3: keypoints of x, y, visibility. A
 * plain detector has no rows after its classes, a segmenter has a second output, and an obb head
 * has one angle row, so none of them is read as pose.
 */
export function recognisePose(signature: ModelSignature): string | undefined {
  const task = signature.metadata.task;
  if (task === 'pose') {
    const shape = signature.metadata.kpt_shape;
    return `its metadata says task: pose${shape ? ` with kpt_shape: ${shape}` : ''}`;
  }
  if (task !== undefined) return undefined;
  const head = headOf(signature);
  const classes = parseUltralyticsNames(signature.metadata.names)?.length ?? 0;
  const anchors = head?.output.dims[2];
  if (!head || classes === 0 || (typeof anchors === 'number' && head.rows >= anchors)) return undefined;
  const rest = head.rows - 4 - classes;
  return rest > 0 && rest % 3 === 0
    ? `output ${head.output.name} [${head.output.dims.join(', ')}] holds 4 box rows, ${classes} class row(s) and ${rest} keypoint values (${rest / 3} × 3)`
    : undefined;
}

/** The keypoint shape [K, D] and where it comes from: the manifest, the metadata, or the head's rows. */
function shapeOf(ctx: ImageFamilyContext, keypoints: KeypointsManifest, rows: number) {
  if (keypoints.shape)
    return {
      shape: keypoints.shape,
      reason: `keypoints.shape [${keypoints.shape.join(', ')}] in rocket.json`,
    };
  const kpt = parseKptShape(ctx.signature.metadata.kpt_shape);
  if (kpt) return { shape: kpt, reason: `its metadata says kpt_shape: [${kpt.join(', ')}]` };
  const rest = rows - 4 - ctx.labels.length;
  if (ctx.labels.length > 0 && rest > 0 && rest % 3 === 0) {
    return {
      shape: [rest / 3, 3] as [number, 3],
      reason: `${rest} rows after the box and ${ctx.labels.length} class(es): ${rest / 3} keypoints × 3`,
    };
  }
  return undefined;
}

/** Names and skeleton for K keypoints: the manifest's, else COCO's when K = 17, else kp0… and none. */
function namedKeypoints(ctx: ImageFamilyContext, keypoints: KeypointsManifest, count: number) {
  const coco = count === COCO_KEYPOINTS.length;
  const names =
    keypoints.names ??
    Array.from({ length: count }, (_, j) => (coco ? COCO_KEYPOINTS[j] : `kp${j}`) as string);
  const skeleton =
    keypoints.skeleton ?? (coco ? COCO_SKELETON.map(([a, b]): [number, number] => [a, b]) : []);
  const invalid = (why: string) => new RocketError('ROCKET_INVALID', `Rocket ${ctx.modelPath}: ${why}`);
  if (names.length !== count)
    throw invalid(`keypoints.names in rocket.json has ${names.length} names for ${count} keypoints`);
  const outside = skeleton.find(([a, b]) => a >= count || b >= count);
  if (outside)
    throw invalid(
      `keypoints.skeleton in rocket.json joins [${outside.join(', ')}], but keypoint indices are 0 to ${count - 1}`,
    );
  return { names, skeleton };
}

/**
 * Reads a pose model's head: K and D, the class count (the rows left), names and skeleton.
 * @throws RocketError ROCKET_UNSUPPORTED when the outputs cannot be a pose head of that shape,
 * ROCKET_INVALID when the manifest's names or skeleton do not fit K.
 */
export function configurePose(ctx: ImageFamilyContext): {
  head: PoseHead;
  outputName: string;
  reason: string;
  labels?: string[];
} {
  const keypoints = (ctx.manifest as { keypoints?: KeypointsManifest } | undefined)?.keypoints ?? {};
  const unsupported = (why: string) =>
    new RocketError('ROCKET_UNSUPPORTED', `Rocket ${ctx.modelPath}: ${why} (docs/rocket.md, "Pose")`);
  const head = headOf(ctx.signature);
  if (!head) throw unsupported('a pose model has one output [1, 4 + classes + keypoints × 3, anchors]');
  const found = shapeOf(ctx, keypoints, head.rows);
  if (!found) {
    throw unsupported(
      `output ${head.output.name} [${head.output.dims.join(', ')}] does not say how many keypoints it holds; set keypoints.shape in rocket.json (e.g. [17, 3])`,
    );
  }
  const [count, values] = found.shape;
  const numClasses = head.rows - 4 - count * values;
  if (numClasses < 1 || (ctx.labels.length > 0 && ctx.labels.length !== numClasses)) {
    const classes = ctx.labels.length > 0 ? `${ctx.labels.length} class(es)` : 'at least 1 class';
    throw unsupported(
      `output ${head.output.name} [${head.output.dims.join(', ')}] has ${head.rows} rows, but 4 box rows, ${classes} and ${count} keypoints × ${values} make ` +
        `${4 + Math.max(ctx.labels.length, 1) + count * values}; fix keypoints.shape in rocket.json or the labels`,
    );
  }
  const { names, skeleton } = namedKeypoints(ctx, keypoints, count);
  // COCO's 17 keypoints are a person's: a one-class model of them finds people.
  const person = ctx.labels.length === 0 && numClasses === 1 && count === COCO_KEYPOINTS.length;
  return {
    head: { layout: 'yolov8', settings: { numClasses }, keypoints: { count, values, names, skeleton } },
    outputName: head.output.name,
    reason: found.reason,
    ...(person ? { labels: ['person'] } : {}),
  };
}
