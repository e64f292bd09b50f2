import { basename } from 'node:path';
import { RocketError } from '../errors.js';
import { inferTabular } from './infer-tabular.js';
import { parseUltralyticsNames } from './labels.js';
import type { Manifest } from './manifest.js';
import {
  channelCount,
  type ImageTask,
  type OutputFormat,
  type Preprocess,
  type RocketSpec,
  type TensorSignature,
} from './types.js';

/** The parts of an ONNX model's signature that inference reads (see src/onnx/read.ts). */
export interface ModelSignature {
  metadata: Record<string, string>;
  inputs: SignatureEntry[];
  outputs: SignatureEntry[];
}

type SignatureEntry = { name: string; dims: (number | string)[]; kind?: string; elemType?: number };

const toSignature = (e: SignatureEntry): TensorSignature => ({
  name: e.name,
  kind: e.kind ?? 'tensor',
  elemType: e.elemType ?? 1,
  dims: e.dims,
});

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Where a manifest sits and what it resolved: labels file, feature mapping. */
export interface ManifestContext {
  manifest?: Manifest;
  labelsFromFile?: string[];
  /** Client field names in the model's feature order (tabular rockets). */
  featureNames?: string[];
}

/**
 * Builds the full {@link RocketSpec} from the model's signature and metadata, with any manifest
 * fields taking precedence. Rank-2 inputs are tabular; rank-4 inputs are images. Throws
 * ROCKET_INVALID naming what could not be inferred.
 */
export function inferSpec(modelPath: string, sig: ModelSignature, ctx: ManifestContext = {}): RocketSpec {
  const m = ctx.manifest;
  const input = sig.inputs[0];
  const output = sig.outputs.find((o) => (o.kind ?? 'tensor') === 'tensor');
  if (!input || !output) throw invalid(modelPath, 'the model has no graph input or tensor output');
  const metadataLabels = parseUltralyticsNames(sig.metadata.names);
  const labels = ctx.labelsFromFile ?? metadataLabels ?? [];
  const base = {
    name: m?.name ?? basename(modelPath).replace(/\.onnx$/i, ''),
    version: m?.version ?? sig.metadata.version ?? '0',
    modelPath,
    inputName: input.name,
    signature: { inputs: sig.inputs.map(toSignature), outputs: sig.outputs.map(toSignature) },
    dynamicBatch: typeof input.dims[0] !== 'number' || input.dims[0] < 1,
    labels,
    labelSource: ctx.labelsFromFile ? 'file' : metadataLabels ? 'metadata' : 'none',
  } as const;
  if (m?.task === 'tabular' || (!m?.task && input.dims.length === 2)) {
    return {
      ...base,
      task: 'tabular',
      tabular: inferTabular(modelPath, toSignature(input), base.signature.outputs, ctx.featureNames),
      thresholds: { ...DEFAULT_THRESHOLDS, confidence: 0, ...m?.thresholds },
    };
  }
  if (input.dims.length !== 4) {
    throw invalid(
      modelPath,
      `input ${input.name} has shape [${input.dims}]; an image model takes 4 dimensions, a tabular one 2`,
    );
  }
  const task = m?.task ?? metadataTask(sig.metadata) ?? taskFromShape(output.dims);
  if (!task) {
    throw invalid(
      modelPath,
      `cannot infer the task from output ${output.name} [${output.dims}]; set "task" in rocket.json`,
    );
  }
  const layout =
    m?.preprocess?.layout ?? (isChannels(input.dims[1]) || !isChannels(input.dims[3]) ? 'nchw' : 'nhwc');
  const channels = layout === 'nchw' ? input.dims[1] : input.dims[3];
  const [height, width] = inputSize(input.dims, layout, sig.metadata, m, task);
  const gray = m?.preprocess?.channelOrder === 'gray' || (channels === 1 && !m?.preprocess?.channelOrder);
  // Image-to-image models see the whole image (stretch) in 0..1; grey classifiers (MNIST) see 0..255.
  const unitScale = !gray || task === 'image2image';
  const imagenet = task === 'classify' && !gray;
  const preprocess: Preprocess = {
    width,
    height,
    resize: task === 'detect' ? 'letterbox' : task === 'classify' && !gray ? 'center-crop' : 'stretch',
    interpolation: 'linear',
    iccProfile: 'convert',
    cropRatio: 0.875,
    padValue: 114,
    channelOrder: gray ? 'gray' : 'rgb',
    invert: false,
    scale: unitScale ? 1 / 255 : 1,
    mean: imagenet ? IMAGENET_MEAN : gray ? [0] : [0, 0, 0],
    std: imagenet ? IMAGENET_STD : gray ? [1] : [1, 1, 1],
    layout,
    ...withoutSize(m?.preprocess),
  };
  const expectChannels = channelCount(preprocess.channelOrder);
  if (preprocess.mean.length !== expectChannels || preprocess.std.length !== expectChannels) {
    throw invalid(
      modelPath,
      `preprocess.mean and preprocess.std need ${expectChannels} value(s) for channelOrder ${preprocess.channelOrder}`,
    );
  }
  return {
    ...base,
    task,
    outputName: output.name,
    preprocess,
    outputFormat: m?.output?.format ?? outputFormat(task, output.dims, labels.length),
    ...(task === 'image2image'
      ? { image2image: { mode: m?.image2image?.mode ?? (gray ? 'y' : 'rgb') } }
      : {}),
    thresholds: { ...DEFAULT_THRESHOLDS, confidence: task === 'detect' ? 0.25 : 0, ...m?.thresholds },
  };
}

const DEFAULT_THRESHOLDS = { confidence: 0.25, iou: 0.7, topk: 5, maxDetections: 300, classAware: true };

function invalid(modelPath: string, why: string): RocketError {
  return new RocketError('ROCKET_INVALID', `Rocket ${modelPath}: ${why}`);
}

const isChannels = (d: number | string | undefined) => d === 1 || d === 3;

function metadataTask(metadata: Record<string, string>): ImageTask | undefined {
  const t = metadata.task;
  return t === 'detect' || t === 'classify' ? t : undefined;
}

function taskFromShape(dims: (number | string)[]): ImageTask | undefined {
  if (dims.length === 4) return 'image2image';
  if (dims.length === 3) return 'detect';
  if (dims.length === 2) return 'classify';
  return undefined;
}

function outputFormat(task: ImageTask, dims: (number | string)[], classes: number): OutputFormat {
  if (task !== 'detect') return 'auto';
  const [, a, b] = dims;
  // With known class names the row width settles it: 4 + C rows (v8) or 5 + C columns (v5).
  if (classes > 0 && a === 4 + classes) return 'yolov8';
  if (classes > 0 && b === 5 + classes) return 'yolov5';
  // YOLOv8 puts the (few) box+class rows before the (many) anchors; YOLOv5 the other way round.
  if (typeof a === 'number' && (typeof b !== 'number' || a < b)) return 'yolov8';
  return 'yolov5';
}

function inputSize(
  dims: (number | string)[],
  layout: 'nchw' | 'nhwc',
  metadata: Record<string, string>,
  m: Manifest | undefined,
  task: ImageTask,
): [number, number] {
  const size = m?.preprocess?.size;
  if (size !== undefined) return typeof size === 'number' ? [size, size] : [size[1], size[0]];
  const [h, w] = layout === 'nchw' ? [dims[2], dims[3]] : [dims[1], dims[2]];
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) return [h, w];
  const imgsz = metadata.imgsz?.match(/\d+/g)?.map(Number);
  if (imgsz?.length === 2) return [imgsz[0] as number, imgsz[1] as number];
  if (imgsz?.length === 1) return [imgsz[0] as number, imgsz[0] as number];
  const fallback = task === 'detect' ? 640 : 224;
  return [fallback, fallback];
}

function withoutSize(p: Manifest['preprocess']): Partial<Preprocess> {
  if (!p) return {};
  const { size: _size, ...rest } = p;
  return rest;
}
