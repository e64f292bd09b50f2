/** What a rocket is once resolved and inferred: everything the pipeline needs, as plain data. */

export const TASKS = ['detect', 'classify'] as const;
export type Task = (typeof TASKS)[number];

export const RESIZE_MODES = ['letterbox', 'stretch', 'center-crop'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

export const INTERPOLATIONS = ['nearest', 'linear', 'cubic', 'lanczos3'] as const;
/** The resize kernel (libvips'); `linear` is antialiased bilinear. */
export type Interpolation = (typeof INTERPOLATIONS)[number];

export const OUTPUT_FORMATS = ['yolov8', 'yolov5', 'logits', 'probabilities', 'auto'] as const;
/** `auto` (classify only): softmax unless the row already sums to 1 within 1e-3 with values in [0, 1]. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** How an image becomes the model's input tensor, applied in this order: orient, resize, normalise. */
export interface Preprocess {
  /** Model input size in pixels. */
  width: number;
  height: number;
  resize: ResizeMode;
  interpolation: Interpolation;
  /** center-crop only: the crop is this fraction of the resized short side (0.875 = 224 of 256). */
  cropRatio: number;
  /** letterbox only: pixel value 0..255 of the padding. */
  padValue: number;
  channelOrder: 'rgb' | 'bgr' | 'gray';
  /** value = (pixel × scale − mean[c]) / std[c] */
  scale: number;
  mean: number[];
  std: number[];
  /** Tensor layout of the input. */
  layout: 'nchw' | 'nhwc';
}

/** Default thresholds; each can be overridden per request by a query parameter. */
export interface Thresholds {
  confidence: number;
  iou: number;
  topk: number;
  maxDetections: number;
  /** Class-aware NMS (true) or agnostic (false). */
  classAware: boolean;
}

/** One graph input or output as the model file declares it. */
export interface TensorSignature {
  name: string;
  /** `tensor`, or `sequence`/`map` for values onnxruntime-node cannot return (e.g. scikit-learn's ZipMap). */
  kind: string;
  /** ONNX TensorProto.DataType code (1 float32, 7 int64, ...); 0 when not a tensor. */
  elemType: number;
  /** Sizes; symbolic dimensions by name, unknown ones as '?'. */
  dims: (number | string)[];
}

/** A rocket ready to load: the model file, its signature and how to run it. */
export interface RocketSpec {
  name: string;
  version: string;
  task: Task;
  /** Absolute path of the .onnx file. */
  modelPath: string;
  inputName: string;
  outputName: string;
  /** Every graph input and output, for raw-tensor inference and model metadata. */
  signature: { inputs: TensorSignature[]; outputs: TensorSignature[] };
  /** True when the model's batch dimension is symbolic. */
  dynamicBatch: boolean;
  preprocess: Preprocess;
  outputFormat: OutputFormat;
  /** Label of each class index; a missing entry is reported as the index itself. */
  labels: string[];
  /** Where the labels came from: the model's metadata, a labels file, or none (indices). */
  labelSource: 'metadata' | 'file' | 'none';
  thresholds: Thresholds;
}
