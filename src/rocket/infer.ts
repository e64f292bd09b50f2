import { basename } from 'node:path';
import { RocketError } from '../errors.js';
import { type Recognition, recogniseFamily } from '../tasks/recognise.js';
import { isNhwc, tensorOutputs, toTensorSignature } from '../tasks/signature.js';
import type { FamilyContext, ImageFamily } from '../tasks/types.js';
import { parseUltralyticsNames } from './labels.js';
import type { Manifest } from './manifest.js';
import { channelCount, type Preprocess, type RocketSpec } from './types.js';

/** The parts of an ONNX model's signature that inference reads (see src/onnx/read.ts). */
export interface ModelSignature {
  metadata: Record<string, string>;
  inputs: SignatureEntry[];
  outputs: SignatureEntry[];
  /** Weights listed as graph inputs (old exporters); see src/onnx/read.ts. */
  initializerInputs?: number;
}

/** One graph input or output as the signature lists it. */
export type SignatureEntry = { name: string; dims: (number | string)[]; kind?: string; elemType?: number };

/** Where a manifest sits and what it resolved: labels file, feature mapping. */
export interface ManifestContext {
  manifest?: Manifest;
  labelsFromFile?: string[];
  /** Client field names in the model's feature order (tabular rockets). */
  featureNames?: string[];
}

/** A spec and how its family was chosen (for `rocket inspect`). */
export interface InferredSpec {
  spec: RocketSpec;
  recognition: Recognition;
  /** How the family reads the outputs, and why (e.g. the detector layout rule). */
  format: { name: string; reason: string };
  /** What that format is, in one line (a detector layout's summary). */
  formatSummary?: string;
}

/**
 * Builds the full {@link RocketSpec}: the task family from the manifest or zero-config recognition
 * (src/tasks/recognise.ts), the family's defaults, then the manifest's fields on top. Throws
 * ROCKET_UNSUPPORTED when no family serves the model, ROCKET_INVALID when a field cannot work.
 */
export function inferSpec(modelPath: string, sig: ModelSignature, ctx: ManifestContext = {}): RocketSpec {
  return inferSpecWithReasons(modelPath, sig, ctx).spec;
}

/** {@link inferSpec}, with the recognition rule and format reason that `rocket inspect` prints. */
export function inferSpecWithReasons(
  modelPath: string,
  sig: ModelSignature,
  ctx: ManifestContext = {},
): InferredSpec {
  const m = ctx.manifest;
  const input = sig.inputs[0];
  if (!input || tensorOutputs(sig).length === 0) {
    throw invalid(modelPath, 'the model has no graph input or tensor output');
  }
  const metadataLabels = parseUltralyticsNames(sig.metadata.names);
  const labels = ctx.labelsFromFile ?? metadataLabels ?? [];
  const recognition = recogniseFamily(modelPath, sig, labels, m);
  const { family } = recognition;
  const base = {
    name: m?.name ?? basename(modelPath).replace(/\.onnx$/i, ''),
    version: m?.version ?? sig.metadata.version ?? '0',
    modelPath,
    inputName: input.name,
    signature: { inputs: sig.inputs.map(toTensorSignature), outputs: sig.outputs.map(toTensorSignature) },
    dynamicBatch: typeof input.dims[0] !== 'number' || input.dims[0] < 1,
    labels,
    labelSource: ctx.labelsFromFile ? 'file' : metadataLabels ? 'metadata' : 'none',
    warnings: modelWarnings(sig),
  } as const;
  const familyCtx: FamilyContext = {
    modelPath,
    signature: sig,
    input,
    manifest: m,
    labels,
    featureNames: ctx.featureNames,
  };
  if (family.input === 'rows') {
    const spec: RocketSpec = {
      ...base,
      input: 'rows',
      task: family.task,
      tabular: family.configure(familyCtx),
      thresholds: { ...DEFAULT_THRESHOLDS, confidence: 0, ...m?.thresholds },
    };
    return { spec, recognition, format: { name: 'rows', reason: recognition.reason } };
  }
  if (input.dims.length !== 4) {
    throw invalid(
      modelPath,
      `input ${input.name} has shape [${input.dims}]; an image model takes 4 dimensions, a tabular one 2`,
    );
  }
  const layout = m?.preprocess?.layout ?? (isNhwc(input) ? 'nhwc' : 'nchw');
  const channels = layout === 'nchw' ? input.dims[1] : input.dims[3];
  const [height, width] = inputSize(input.dims, layout, sig.metadata, m, family);
  const anySize = m?.preprocess?.size === undefined && isSymbolicSize(input.dims, layout);
  const gray = m?.preprocess?.channelOrder === 'gray' || (channels === 1 && !m?.preprocess?.channelOrder);
  const configured = family.configure({ ...familyCtx, size: { width, height }, gray, anySize });
  const preprocess: Preprocess = {
    width,
    height,
    resize: 'stretch',
    interpolation: 'linear',
    iccProfile: 'convert',
    cropRatio: 0.875,
    padValue: 114,
    align: 'center',
    channelOrder: gray ? 'gray' : 'rgb',
    invert: false,
    scale: 1 / 255,
    mean: gray ? [0] : [0, 0, 0],
    std: gray ? [1] : [1, 1, 1],
    layout,
    ...configured.preprocess,
    ...withoutSize(m?.preprocess),
  };
  const expectChannels = channelCount(preprocess.channelOrder);
  if (preprocess.mean.length !== expectChannels || preprocess.std.length !== expectChannels) {
    throw invalid(
      modelPath,
      `preprocess.mean and preprocess.std need ${expectChannels} value(s) for channelOrder ${preprocess.channelOrder}`,
    );
  }
  if (preprocess.resize === 'none') {
    if (!anySize) {
      throw invalid(
        modelPath,
        `preprocess.resize none runs each image at its own size: it needs an input whose height and width are symbolic, and no preprocess.size (${input.name} is [${input.dims}])`,
      );
    }
    preprocess.width = 0;
    preprocess.height = 0;
  }
  const taskLabels = base.labels.length === 0 ? configured.labels : undefined;
  const spec: RocketSpec = {
    ...base,
    ...(taskLabels ? { labels: taskLabels, labelSource: 'task' as const } : {}),
    input: 'image',
    task: family.task,
    outputNames: configured.outputNames,
    preprocess,
    outputFormat: configured.outputFormat,
    head: configured.head,
    thresholds: { ...DEFAULT_THRESHOLDS, confidence: configured.confidence, ...m?.thresholds },
  };
  const { outputFormat: name, reason, summary } = configured;
  return { spec, recognition, format: { name, reason }, ...(summary ? { formatSummary: summary } : {}) };
}

/** What an operator should know about the model file itself. */
function modelWarnings(sig: ModelSignature): string[] {
  const n = sig.initializerInputs ?? 0;
  if (n === 0) return [];
  return [
    `The model lists ${n} weights as graph inputs (an old exporter): onnxruntime cannot constant-fold ` +
      'them, so it may run slower than a re-export with a current exporter would.',
  ];
}

const DEFAULT_THRESHOLDS = { confidence: 0.25, iou: 0.7, topk: 5, maxDetections: 300, classAware: true };

function invalid(modelPath: string, why: string): RocketError {
  return new RocketError('ROCKET_INVALID', `Rocket ${modelPath}: ${why}`);
}

function inputSize(
  dims: (number | string)[],
  layout: 'nchw' | 'nhwc',
  metadata: Record<string, string>,
  m: Manifest | undefined,
  family: ImageFamily,
): [number, number] {
  const size = m?.preprocess?.size;
  if (size !== undefined) return typeof size === 'number' ? [size, size] : [size[1], size[0]];
  const [h, w] = layout === 'nchw' ? [dims[2], dims[3]] : [dims[1], dims[2]];
  if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) return [h, w];
  const imgsz = metadata.imgsz?.match(/\d+/g)?.map(Number);
  if (imgsz?.length === 2) return [imgsz[0] as number, imgsz[1] as number];
  if (imgsz?.length === 1) return [imgsz[0] as number, imgsz[0] as number];
  return [family.fallbackSize, family.fallbackSize];
}

/** True when the input's height and width are both symbolic: the model takes any size. */
function isSymbolicSize(dims: (number | string)[], layout: 'nchw' | 'nhwc'): boolean {
  const [h, w] = layout === 'nchw' ? [dims[2], dims[3]] : [dims[1], dims[2]];
  const fixed = (d: number | string | undefined) => typeof d === 'number' && d > 0;
  return !fixed(h) && !fixed(w);
}

function withoutSize(p: Manifest['preprocess']): Partial<Preprocess> {
  if (!p) return {};
  const { size: _size, ...rest } = p;
  return rest;
}
