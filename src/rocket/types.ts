/** What a rocket is once resolved and inferred: everything the pipeline needs, as plain data. */

export const TASKS = ['detect', 'classify', 'image2image', 'tabular'] as const;
export type Task = (typeof TASKS)[number];
/** Tasks whose input is an image. */
export type ImageTask = Exclude<Task, 'tabular'>;

export const RESIZE_MODES = ['letterbox', 'stretch', 'center-crop'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

export const INTERPOLATIONS = ['nearest', 'linear', 'cubic', 'lanczos3'] as const;
/** The resize kernel (libvips'); `linear` is antialiased bilinear. */
export type Interpolation = (typeof INTERPOLATIONS)[number];

export const ICC_PROFILES = ['convert', 'ignore'] as const;
/**
 * What decoding does with an image's embedded ICC profile: `convert` the pixels to sRGB with it
 * (what a colour-managed viewer shows; skipped when the profile is sRGB itself), or `ignore` it and
 * take the stored values as sRGB (what PIL and OpenCV do).
 */
export type IccProfile = (typeof ICC_PROFILES)[number];

export const OUTPUT_FORMATS = ['yolov8', 'yolov5', 'logits', 'probabilities', 'auto'] as const;
/** `auto` (classify only): softmax unless the row already sums to 1 within 1e-3 with values in [0, 1]. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** How an image becomes the model's input tensor, applied in this order: orient, resize, normalise. */
/** Channel order of the model input. */
export type ChannelOrder = 'rgb' | 'bgr' | 'gray';

/** Channels of the model input for a channel order. */
export const channelCount = (order: ChannelOrder): number => (order === 'gray' ? 1 : 3);

export interface Preprocess {
  /** Model input size in pixels. */
  width: number;
  height: number;
  resize: ResizeMode;
  interpolation: Interpolation;
  iccProfile: IccProfile;
  /** center-crop only: the crop is this fraction of the resized short side (0.875 = 224 of 256). */
  cropRatio: number;
  /** letterbox only: pixel value 0..255 of the padding. */
  padValue: number;
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

/**
 * Image-to-image output: `rgb` models return an RGB image; `y` models (the super-resolution
 * convention) take and return the Y channel of YCbCr, and Cb/Cr are upscaled bicubically.
 * Output pixels are the inverse of the input normalisation: (value × std + mean) / scale.
 */
export interface Image2ImageSpec {
  mode: 'rgb' | 'y';
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
  /** Where the labels came from: the model's metadata, a labels file, or none (indices). */
  labelSource: 'metadata' | 'file' | 'none';
  thresholds: Thresholds;
}

/** A rocket that takes an image: detect, classify or image-to-image. */
export interface ImageRocketSpec extends BaseSpec {
  task: ImageTask;
  outputName: string;
  preprocess: Preprocess;
  outputFormat: OutputFormat;
  /** Present for task `image2image`. */
  image2image?: Image2ImageSpec;
}

/** A rocket that takes rows of numbers (scikit-learn exports). */
export interface TabularRocketSpec extends BaseSpec {
  task: 'tabular';
  tabular: TabularSpec;
}

/** A rocket ready to load: the model file, its signature and how to run it. */
export type RocketSpec = ImageRocketSpec | TabularRocketSpec;
