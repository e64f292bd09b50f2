/** What a rocket is once resolved and inferred: everything the pipeline needs, as plain data. */
import type { ChannelOrder } from '../kernels/types.js';

export const RESIZE_MODES = ['letterbox', 'stretch', 'center-crop', 'none'] as const;
/**
 * How an image becomes the model's canvas; `none` runs each image at its own size, for models whose
 * input height and width are symbolic (Real-ESRGAN).
 */
export type ResizeMode = (typeof RESIZE_MODES)[number];

export const INTERPOLATIONS = ['bilinear', 'nearest', 'linear', 'cubic', 'lanczos3'] as const;
/**
 * The resize kernel: `bilinear` samples as OpenCV's INTER_LINEAR does (no antialiasing, what most
 * training pipelines use); the others are libvips' kernels, `linear` being antialiased bilinear.
 */
export type Interpolation = (typeof INTERPOLATIONS)[number];

export const ICC_PROFILES = ['convert', 'ignore'] as const;
/**
 * What decoding does with an image's embedded ICC profile: `convert` the pixels to sRGB with it
 * (what a colour-managed viewer shows; skipped when the profile is sRGB itself), or `ignore` it and
 * take the stored values as sRGB (what PIL and OpenCV do).
 */
export type IccProfile = (typeof ICC_PROFILES)[number];

export const ALIGNMENTS = ['center', 'top-left'] as const;
/** Where the letterbox places the resized image: centred, or in the top-left corner (YOLOX, YuNet). */
export type Alignment = (typeof ALIGNMENTS)[number];

/** Channels of the model input for a channel order (the kernels' {@link ChannelOrder}). */
export const channelCount = (order: ChannelOrder): number => (order === 'gray' ? 1 : 3);

/** How an image becomes the model's input tensor, applied in this order: orient, resize, normalise. */
export interface Preprocess {
  /** Model input size in pixels; 0 × 0 with resize `none` (each image runs at its own size). */
  width: number;
  height: number;
  resize: ResizeMode;
  interpolation: Interpolation;
  iccProfile: IccProfile;
  /** center-crop only: the crop is this fraction of the resized short side (0.875 = 224 of 256). */
  cropRatio: number;
  /** letterbox only: pixel value 0..255 of the padding. */
  padValue: number;
  /** letterbox only: where the resized image sits in the canvas. */
  align: Alignment;
  channelOrder: ChannelOrder;
  /** Use 255 − pixel (dark-on-light photos for a model trained light-on-dark, e.g. MNIST). */
  invert: boolean;
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

/** Tabular input and output: feature order, and which outputs carry labels, probabilities or values. */
export interface TabularSpec {
  /** Number of features per row; null when the model leaves it symbolic (rows must then agree). */
  features: number | null;
  /** Client field names in the model's feature order (from the manifest's mapping file), if any. */
  featureNames?: string[];
  /**
   * Tensor outputs fetched; non-tensor outputs (ZipMap) are never requested. `label`: integer or
   * string class ids; `scores`: floats, reported per row as probabilities when they form a
   * distribution (in [0, 1], summing to 1), else as values (regression).
   */
  outputs: { name: string; role: 'label' | 'scores' }[];
}

/** What every rocket has. */
interface BaseSpec {
  name: string;
  version: string;
  /** Absolute path of the .onnx file. */
  modelPath: string;
  inputName: string;
  /** Every graph input and output, for raw-tensor inference and model metadata. */
  signature: { inputs: TensorSignature[]; outputs: TensorSignature[] };
  /** True when the model's batch dimension is symbolic. */
  dynamicBatch: boolean;
  /** Label of each class index; a missing entry is reported as the index itself. */
  labels: string[];
  /** Where the labels came from: the model's metadata, a labels file, the task (face detectors), or none (indices). */
  labelSource: 'metadata' | 'file' | 'task' | 'none';
  thresholds: Thresholds;
  /** What the operator should know about the model (logged once at startup), e.g. an old exporter's quirks. */
  warnings: string[];
}

/**
 * A rocket that takes an image. `H` is its family's own settings (see src/tasks/<family>/), e.g.
 * the detector layout.
 */
export interface ImageRocketSpec<H = unknown> extends BaseSpec {
  input: 'image';
  /** The task family (src/tasks/registry.ts). */
  task: string;
  /** The outputs fetched on every run, in the order the family reads them. */
  outputNames: string[];
  preprocess: Preprocess;
  /** How the family reads the outputs: a detector layout, logits or probabilities, rgb or y images. */
  outputFormat: string;
  head: H;
}

/** A rocket that takes rows of numbers (scikit-learn exports). */
export interface TabularRocketSpec extends BaseSpec {
  input: 'rows';
  task: string;
  tabular: TabularSpec;
}

/** A rocket ready to load: the model file, its signature and how to run it. */
export type RocketSpec = ImageRocketSpec | TabularRocketSpec;
