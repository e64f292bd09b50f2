/**
 * The tensor kernels rocketserve runs around inference. Two implementations share this contract:
 * the C++ addon (`native/`) and the pure-TypeScript reference (`reference.ts`). The reference is the
 * specification; the addon is an optimisation of it and must agree with it (see test/kernels).
 *
 * Every kernel writes into caller-allocated outputs and returns a count where the size of the
 * result is data-dependent. Kernels validate lengths and dimensions and throw `RangeError` /
 * `TypeError` naming the argument; they never read or write out of bounds.
 */

/** Output channel order of {@link Kernels.normalizeToChw}. */
export const CHANNEL_ORDERS = ['rgb', 'bgr', 'gray'] as const;
export type ChannelOrder = (typeof CHANNEL_ORDERS)[number];

/** Layout of a YOLO detection head, as the model emits it (batch dimension removed). */
export const YOLO_LAYOUTS = ['v8', 'v5'] as const;
/**
 * `v8`: `[4 + C, N]` rows cx, cy, w, h, then C class scores (YOLOv8 / YOLO11, no objectness).
 * `v5`: `[N, 5 + C]` columns cx, cy, w, h, objectness, then C class scores (YOLOv5 / YOLOv3);
 * the score of a class is objectness × class score.
 */
export type YoloLayout = (typeof YOLO_LAYOUTS)[number];

/** Where an HWC uint8 image is written inside a CHW float32 canvas. All sizes in pixels. */
export interface NormalizeOptions {
  /** Source image, HWC uint8, `srcHeight × srcWidth × srcChannels` bytes. */
  srcWidth: number;
  srcHeight: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA; alpha ignored). `gray` needs 1; `rgb`/`bgr` need 3 or 4. */
  srcChannels: number;
  /** Destination canvas; `dst` holds `outChannels × dstHeight × dstWidth` floats (CHW). */
  dstWidth: number;
  dstHeight: number;
  /** Top-left corner of the source inside the canvas. The source must fit inside the canvas. */
  offsetX: number;
  offsetY: number;
  /** `rgb`/`bgr` give 3 output channels in that order; `gray` gives 1. */
  channelOrder: ChannelOrder;
  /** value = (pixel × scale − mean[c]) / std[c]; `mean`/`std` have one entry per output channel. */
  scale: number;
  mean: readonly number[];
  std: readonly number[];
  /** Pixel value (0..255, same in every channel) of the canvas outside the image, normalised like a pixel. */
  padValue: number;
}

/** Decoding parameters for {@link Kernels.decodeYolo}. */
export interface YoloDecodeOptions {
  layout: YoloLayout;
  numClasses: number;
  numAnchors: number;
  /** Keep candidates whose best class score is strictly above this (0..1). */
  confThreshold: number;
}

/** Data-dependent outputs of {@link Kernels.decodeYolo}, each with capacity `numAnchors`. */
export interface YoloCandidates {
  /** xyxy boxes in model-input pixels, 4 floats per candidate. */
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

export interface NmsOptions {
  /** Number of valid entries in boxes/scores/classes. */
  count: number;
  /** A box is suppressed when its IoU with a kept box is strictly above this. */
  iouThreshold: number;
  maxDetections: number;
  /** Class-aware NMS only suppresses boxes of the same class; agnostic NMS suppresses across classes. */
  classAware: boolean;
}

export interface Kernels {
  /** Which implementation this is. */
  readonly kind: KernelKind;
  /**
   * HWC uint8 → CHW float32 with scale, mean, std and channel order, written at an offset into a
   * canvas filled with the normalised pad value (letterbox). [sync]
   * @throws RangeError when lengths, channels or placement do not fit.
   */
  normalizeToChw(src: Uint8Array, dst: Float32Array, options: NormalizeOptions): void;
  /**
   * Transposes (v8) or reads (v5) a YOLO head, keeps candidates above the confidence threshold with
   * their best class (argmax; lowest index on ties), converts cxcywh → xyxy. [sync]
   * For `v5` the argmax is over the class scores and the kept score is objectness × that score.
   * @returns the number of candidates written, in anchor order.
   */
  decodeYolo(output: Float32Array, options: YoloDecodeOptions, out: YoloCandidates): number;
  /**
   * Greedy non-maximum suppression. Order: score descending (NaN lowest), then index ascending. IoU
   * is computed in float64, inverted boxes have area 0, and IoU is 0 when the union is not > 0. [sync]
   * @returns the number of kept indices written to `outIndices`, in that order.
   */
  nms(
    boxes: Float32Array,
    scores: Float32Array,
    classes: Int32Array,
    options: NmsOptions,
    outIndices: Int32Array,
  ): number;
  /** Numerically stable softmax (max-subtracted); `dst` may be `src`. [sync] */
  softmax(src: Float32Array, dst: Float32Array): void;
  /**
   * Indices of the `k` largest values, score descending (NaN lowest) then index ascending. [sync]
   * @returns min(k, values.length), the number of indices written.
   */
  topK(values: Float32Array, k: number, outIndices: Int32Array): number;
}

/** One NVIDIA GPU as the driver reports it. */
export interface GpuDevice {
  index: number;
  name: string;
  totalMemoryBytes: number;
}

/** Result of probing the NVIDIA driver at run time, without linking CUDA. */
export interface GpuProbe {
  /** Empty when there is no driver or no device. */
  devices: GpuDevice[];
  /** Driver version as the driver reports it (e.g. "550.54.15"), when known. */
  driverVersion?: string;
  /** The shared library that answered (e.g. "libcuda.so.1"), when one loaded. */
  library?: string;
  /** Why no device is listed, when the probe found none (e.g. "libcuda.so.1 not found"). */
  reason?: string;
}

/** Which implementation of the kernels: the C++ addon or the TypeScript reference. */
export type KernelKind = 'native' | 'reference';
