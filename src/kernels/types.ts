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

/** What {@link Kernels.resizeLinear} reads and writes. All sizes in pixels. */
export interface ResizeOptions {
  /** Source image, HWC uint8, `srcHeight × srcWidth × channels` bytes. */
  srcWidth: number;
  srcHeight: number;
  channels: number;
  /** The size the whole image is resized to. */
  dstWidth: number;
  dstHeight: number;
  /**
   * The window of the resized image written to `dst` (`cropHeight × cropWidth × channels` bytes):
   * all of it (0, 0, dstWidth, dstHeight), or the part center-crop keeps.
   */
  cropLeft: number;
  cropTop: number;
  cropWidth: number;
  cropHeight: number;
}

/** Decoding parameters for {@link Kernels.decodeYolo}. */
export interface YoloDecodeOptions {
  layout: YoloLayout;
  numClasses: number;
  numAnchors: number;
  /** Keep candidates whose best class score is strictly above this (0..1). */
  confThreshold: number;
  /**
   * Values per anchor after the class scores (default 0), copied as they are into
   * `out.extras` (`numExtras` floats per candidate): mask coefficients (segment), keypoints as
   * x, y, visibility (pose) or the angle (obb). `v8` only.
   */
  numExtras?: number;
}

/**
 * What every decoder writes: candidate detections, each array with room for every candidate the
 * decoder may keep (its number of anchors, rows or priors).
 */
export interface Candidates {
  /** xyxy boxes, 4 floats per candidate, in model-input pixels unless the decoder says otherwise. */
  boxes: Float32Array;
  scores: Float32Array;
  /** Class index per candidate; −1 where the model's class value is not an integer in [0, 2³¹). */
  classes: Int32Array;
  /**
   * Landmarks of decoders that have them (faces): x, y in model-input pixels, 2 × numKeypoints
   * floats per candidate. Required when numKeypoints > 0, ignored otherwise.
   */
  keypoints?: Float32Array;
  /** The values after the class scores of decoders that copy them (decodeYolo's `numExtras`). */
  extras?: Float32Array;
}

/**
 * One instance mask (YOLOv8-seg): sigmoid(coefficients · prototypes), sampled at the pixels of a
 * region of the model input. The input pixel (x, y), written to
 * out[(y − regionY) × regionWidth + (x − regionX)], has its centre at (x + 0.5, y + 0.5); it is 1
 * when that centre is inside the box (x1 ≤ x + 0.5 < x2, likewise y) and the bilinear sample
 * there (half-pixel centres, edges clamped, as a resize with align_corners = false) of the mask at
 * prototype resolution (the sigmoid rounded to float32) is above 0.5.
 */
export interface SegmentMaskOptions extends RegionOptions {
  /** M, the mask coefficients per detection and prototype planes. */
  numMasks: number;
  /** The prototypes' size: `protos` holds M planes of protoHeight × protoWidth. */
  protoWidth: number;
  protoHeight: number;
  /** The model's input size; prototype pixel = input position × protoWidth / inputWidth. */
  inputWidth: number;
  inputHeight: number;
  /** The detection's box, xyxy in input pixels (finite): the mask is 0 outside it. */
  box: readonly [number, number, number, number];
}

/**
 * The region of an image (for segmentMask, of the model input) that a kernel writes to `out`:
 * regionWidth × regionHeight bytes, row by row, for the pixels from (regionX, regionY).
 */
export interface RegionOptions {
  regionX: number;
  regionY: number;
  regionWidth: number;
  regionHeight: number;
}

/** NMS-free rows `[N, 6]`: x1, y1, x2, y2 (model-input pixels), score, class (YOLO26, YOLOv10, nms=True). */
export interface End2endDecodeOptions {
  numRows: number;
  /** Keep rows whose score is strictly above this. */
  confThreshold: number;
}

export const BOX_FORMATS = ['xyxy', 'cxcywh', 'yxyx'] as const;
/** How the 4 numbers of a box are ordered: corners (x1, y1, x2, y2), centre and size, or corners y first. */
export type BoxFormat = (typeof BOX_FORMATS)[number];

export const SCORE_ACTIVATIONS = ['none', 'sigmoid', 'softmax'] as const;
/** What turns a row of raw scores into confidences: nothing, 1 / (1 + e^−x) per value, or a softmax over the row. */
export type ScoreActivation = (typeof SCORE_ACTIVATIONS)[number];

/** Already-decoded separate tensors: boxes `[N, 4]` and scores `[N, C]` (SSD, UltraFace, DETR, torchvision). */
export interface BoxesDecodeOptions {
  /** N, the number of boxes. */
  count: number;
  /** C, score columns per box (1 when `labels` is given). */
  numClasses: number;
  boxFormat: BoxFormat;
  /** Multipliers from box units to output units: x × scaleX, y × scaleY (e.g. the input size for 0..1 boxes). */
  scaleX: number;
  scaleY: number;
  /** Applied to each row of C scores before the best class is chosen (softmax over the whole row). */
  activation: ScoreActivation;
  /**
   * A score column that is no class (SSD's background, DETR's "no object"), or −1. It is never
   * chosen, and the columns after it are numbered one lower.
   */
  background: number;
  /** Keep boxes whose best score is strictly above this. */
  confThreshold: number;
}

/** YOLOX raw heads `[N, 5 + C]`: grid offsets and log sizes per stride, then objectness and C class scores. */
export interface YoloxDecodeOptions {
  numClasses: number;
  /** Model input size in pixels; the grid of stride s has ⌊height / s⌋ rows of ⌊width / s⌋ cells. */
  inputWidth: number;
  inputHeight: number;
  /** Anchors are listed stride by stride in this order (usually [8, 16, 32]), cells row by row. */
  strides: readonly number[];
  /** Keep anchors whose objectness × best class score is strictly above this. */
  confThreshold: number;
}

/**
 * One stride of an anchor-free face head (SCRFD, YuNet): `gridHeight × gridWidth` cells, row by
 * row, `anchorsPerCell` anchors each (SCRFD: 2; YuNet: 1).
 */
export interface FaceStrideOptions {
  stride: number;
  gridWidth: number;
  gridHeight: number;
  anchorsPerCell: number;
  /** Landmarks per face (5), or 0 when the model has none (its `kps` tensor is null). */
  numKeypoints: number;
  /** Keep anchors whose score is strictly above this. */
  confThreshold: number;
}

/** RetinaFace: `loc`, `conf` and landmark outputs against generated prior boxes. */
export interface RetinafaceDecodeOptions {
  inputWidth: number;
  inputHeight: number;
  /** Prior sizes in pixels per level, e.g. [[16, 32], [64, 128], [256, 512]]. */
  minSizes: readonly (readonly number[])[];
  /** Level strides, e.g. [8, 16, 32]; level k has ⌈height / step⌉ × ⌈width / step⌉ cells. */
  steps: readonly number[];
  /** Centre and size variances, e.g. [0.1, 0.2]. */
  variances: readonly number[];
  /** Landmarks per face (5), or 0 when the landmark tensor is null. */
  numKeypoints: number;
  /** Keep priors whose face score (conf column 1) is strictly above this. */
  confThreshold: number;
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
   * HWC uint8 → HWC uint8 resized as OpenCV's INTER_LINEAR (11-bit fixed point; a 2 × 2 mean when
   * both sides halve exactly), the window `crop*` of it written to `dst`. [sync]
   * @throws RangeError when lengths or the window do not fit.
   */
  resizeLinear(src: Uint8Array, dst: Uint8Array, options: ResizeOptions): void;
  /**
   * Transposes (v8) or reads (v5) a YOLO head, keeps candidates above the confidence threshold with
   * their best class (argmax; lowest index on ties), converts cxcywh → xyxy. [sync]
   * For `v5` the argmax is over the class scores and the kept score is objectness × that score.
   * @returns the number of candidates written, in anchor order.
   */
  decodeYolo(output: Float32Array, options: YoloDecodeOptions, out: Candidates): number;
  /**
   * NMS-free rows → the rows whose score is above the threshold, in row order. The class column is
   * written as an integer, or −1 when it is not an integer in [0, 2³¹). [sync]
   * @returns the number of candidates written.
   */
  decodeEnd2end(output: Float32Array, options: End2endDecodeOptions, out: Candidates): number;
  /**
   * Separate boxes `[N, 4]` and scores `[N, C]` → candidates: activation per row, best class
   * (argmax skipping the background column; lowest index on ties), box to xyxy and scaled. With
   * `labels` (`[N]`, one class per box; C must be 1) the class is read from it instead. [sync]
   * @returns the number of candidates written, in box order.
   */
  decodeBoxes(
    boxes: Float32Array,
    scores: Float32Array,
    labels: Int32Array | null,
    options: BoxesDecodeOptions,
    out: Candidates,
  ): number;
  /**
   * YOLOX raw heads: cx = (x + col) × s, cy = (y + row) × s, w = e^w × s, h = e^h × s; score =
   * objectness × best class score (argmax over the class scores, rounded once). [sync]
   * @returns the number of candidates written, in anchor order.
   */
  decodeYolox(output: Float32Array, options: YoloxDecodeOptions, out: Candidates): number;
  /**
   * One SCRFD stride: `scores` `[N]`, `bbox` `[N, 4]` distances (left, top, right, bottom) and
   * `kps` `[N, 2K]` offsets, all in units of the stride, from the anchor centre (col × s, row × s).
   * Class 0. [sync]
   * @returns the number of candidates written, in anchor order.
   */
  decodeScrfd(
    scores: Float32Array,
    bbox: Float32Array,
    kps: Float32Array | null,
    options: FaceStrideOptions,
    out: Candidates,
  ): number;
  /**
   * One YuNet stride: score = √(clamp(cls, 0, 1) × clamp(obj, 0, 1)); cx = (dx + col) × s,
   * cy = (dy + row) × s, w = e^dw × s, h = e^dh × s; landmark = ((kx + col) × s, (ky + row) × s).
   * Class 0. [sync]
   * @returns the number of candidates written, in anchor order.
   */
  decodeYunet(
    cls: Float32Array,
    obj: Float32Array,
    bbox: Float32Array,
    kps: Float32Array | null,
    options: FaceStrideOptions,
    out: Candidates,
  ): number;
  /**
   * RetinaFace against its priors (level by level, cells row by row, then each min size): centre =
   * prior centre + loc × variance[0] × prior size, size = prior size × e^(loc × variance[1]),
   * landmark = prior centre + offset × variance[0] × prior size; score = conf column 1. Class 0. [sync]
   * @returns the number of candidates written, in prior order.
   */
  decodeRetinaface(
    loc: Float32Array,
    conf: Float32Array,
    landmarks: Float32Array | null,
    options: RetinafaceDecodeOptions,
    out: Candidates,
  ): number;
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
  /**
   * Rotated NMS with Ultralytics' probabilistic IoU (probiou: 1 − the Hellinger distance of the
   * boxes' Gaussians, covariance w²/12 and h²/12 rotated by the angle). `boxes` holds 5 floats per
   * box: cx, cy, w, h, angle (radians). Greedy, with the same order, threshold and class rules as
   * {@link nms} (how this differs from Ultralytics' Fast-NMS: src/kernels/rotated-nms.ts). [sync]
   * @returns the number of kept indices written to `outIndices`, in that order.
   */
  nmsRotated(
    boxes: Float32Array,
    scores: Float32Array,
    classes: Int32Array,
    options: NmsOptions,
    outIndices: Int32Array,
  ): number;
  /**
   * Writes one instance mask (see {@link SegmentMaskOptions}) as 0/1 bytes into `out` and returns
   * its area, the number of 1s. Only the prototype pixels under the box are computed; bytes of `out`
   * past regionWidth × regionHeight are left as they are. [sync]
   * @throws RangeError when `protos`, `coefficients` or `out` are too short for the options.
   */
  segmentMask(
    protos: Float32Array,
    coefficients: Float32Array,
    options: SegmentMaskOptions,
    out: Uint8Array,
  ): number;
  /**
   * Writes the pixels of a region inside polygon rings as 0/1 bytes into `out` and returns how many
   * are 1. `points` holds x, y pairs (a pixel's centre is its index), ring after ring;
   * `ringLengths` the points of each ring. A pixel is inside by the even–odd rule with half-open
   * edges (src/kernels/fill-polygons.ts). Bytes of `out` past the region are left as they are. [sync]
   * @throws RangeError when a ring length is negative, a point is not finite, or `points` or `out`
   * are too short.
   */
  fillPolygons(
    points: Float64Array,
    ringLengths: Int32Array,
    options: RegionOptions,
    out: Uint8Array,
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
