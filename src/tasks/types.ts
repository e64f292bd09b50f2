/**
 * A task family is one object that knows everything about one kind of model: how to recognise it,
 * its preprocessing defaults, its worker-side postprocessing, its result schema, how it is drawn
 * and what the playground shows. The rest of rocketserve asks the registry (registry.ts) and never
 * tests a task name.
 */
import type { z } from 'zod';
import type { QueryTable } from '../http/params.js';
import type { Job, WireTensor } from '../inference/messages.js';
import type { Kernels } from '../kernels/types.js';
import type { ModelSignature, SignatureEntry } from '../rocket/infer.js';
import type { Manifest } from '../rocket/manifest.js';
import type { ImageRocketSpec, Preprocess, TabularRocketSpec, TabularSpec } from '../rocket/types.js';

/** What a family is told about the model it configures. */
export interface FamilyContext {
  modelPath: string;
  signature: ModelSignature;
  /** The image input (families taking images) or the feature input (tabular). */
  input: SignatureEntry;
  manifest?: Manifest;
  /** Class labels from the labels file or the model's metadata; empty when neither has them. */
  labels: readonly string[];
  /** Tabular: client field names in the model's feature order (the manifest's mapping file). */
  featureNames?: string[];
}

/** What an image family is told besides: the input's geometry, worked out from the model. */
export interface ImageFamilyContext extends FamilyContext {
  /** One-channel input (greyscale models). */
  gray: boolean;
  /** The model's input size in pixels. */
  size: { width: number; height: number };
  /**
   * True when the input's height and width are symbolic and the manifest gives no size: the model
   * takes any size (`size` is then only a fallback), so it may run images at their own (resize `none`).
   */
  anySize: boolean;
}

/** What an image family adds to the spec: its defaults and how it reads the outputs. */
export interface ImageConfiguration {
  /** Preprocessing defaults of the family; the manifest's `preprocess` fields win over these. */
  preprocess: Partial<Preprocess>;
  /** Default confidence threshold. */
  confidence: number;
  /** The outputs fetched on every run, in the order the family reads them. */
  outputNames: string[];
  /** The name of how the outputs are read (a detector layout, logits, ...), reported by `rocket inspect`. */
  outputFormat: string;
  /** Family-specific settings, stored as `spec.head`. */
  head: object;
  /** Why this layout or format was chosen, for `rocket inspect`. */
  reason: string;
  /** What the format is, in one line (a detector layout's summary), for `rocket inspect`. */
  summary?: string;
  /** Class names when the rocket has none and the task knows them (a face detector's `face`). */
  labels?: string[];
}

/** An output of one image: its values and its dims with the batch dimension set to 1. */
export interface OutputView {
  data: Float32Array | Int32Array | BigInt64Array;
  dims: readonly number[];
}

/**
 * The values of a family's own query parameters in one request (its `query` table, e.g. segment's
 * `masks`), validated; they reach the worker as `job.options` and the renderers as `options`.
 */
export type FamilyOptions = Record<string, unknown>;

/** What a family's postprocessing returns: the response fields of one image (e.g. `detections`). */
export type TaskFields = Record<string, unknown>;

/**
 * Runs the model on one prepared image, at its own size when the rocket takes any size (resize
 * `none`), and returns its outputs (batch dimension 1).
 */
export type RunModel = (job: Job) => Promise<Record<string, OutputView>>;

/** The worker-side part of a family, created once per worker. */
export interface Head {
  /**
   * Turns a decoded image into what the model sees, with state kept for postprocessing (e.g. a
   * Y-channel model's chroma planes). Without it the decoded image is the input.
   */
  prepare?(job: Job): { job: Job; state: unknown };
  /** Extra inputs a batch needs beside the image (e.g. DETR's original sizes). */
  extraFeeds?(jobs: readonly Job[]): Record<string, WireTensor>;
  /**
   * Turns one image's outputs into its response fields, with the state `prepare` returned.
   * @throws RocketError OUTPUT_INVALID when the outputs cannot be right (see validate.ts).
   */
  postprocess(outputs: Record<string, OutputView>, job: Job, state?: unknown): TaskFields;
  /**
   * Drives inference for one image itself, in place of one run then `postprocess`, when an image
   * needs several runs (image2image's tiles): `run` runs the model on a job (a tile) and may be
   * called any number of times, one after the other. Images then run one at a time.
   */
  infer?(job: Job, run: RunModel, state?: unknown): Promise<TaskFields>;
  /** Buffers of the fields to move to the main thread instead of copying them. */
  transfer?(fields: TaskFields): ArrayBuffer[];
}

/** A non-JSON answer for one image: the body and its content type. */
export interface Rendered {
  body: Buffer;
  contentType: string;
}

/** What a renderer is given: the rocket, the uploaded bytes, the image's response fields and the request's options. */
export interface RenderInput {
  spec: ImageRocketSpec;
  upload: Uint8Array;
  fields: TaskFields;
  maxPixels: number;
  options: FamilyOptions;
}

/** What the playground needs to show a family. */
export interface PlaygroundView {
  /** Ids of the page's panels to show (web/index.html). */
  panels: string[];
  /** Query parameters of the playground's request (low thresholds, so the sliders can filter). */
  query: Record<string, number | string>;
  /** The Accept header of the request. */
  accept: string;
}

interface FamilyBase {
  /** The task name: the `task` of every response, /health and rocket.json. */
  readonly task: string;
  /** One line for docs and `rocket inspect`. */
  readonly summary: string;
  /** The `output.format` values this family reads (rocket.json). */
  readonly outputFormats: readonly string[];
  /** The family's own fields of the manifest's `output` object, beside `format`. */
  readonly outputFields?: z.ZodRawShape;
  /** The family's own top-level fields of the manifest (pose's `keypoints`), optional like every field. */
  readonly manifestFields?: z.ZodRawShape;
  /** Response fields of one result, for OpenAPI (merged into the response envelope). */
  readonly resultFields: z.ZodRawShape;
  readonly playground: PlaygroundView;
  /**
   * The family's own query parameters of POST /process (e.g. segment's `masks`), beside the
   * thresholds and `format`. Another family's parameter is UNKNOWN_PARAMETER for this one.
   */
  readonly query?: QueryTable;
  /**
   * Zero-config: why this family claims the model (a sentence for `rocket inspect`), or undefined.
   * `labels` are the rocket's class names (labels file, else the model's metadata), maybe none.
   * Families are asked in registry order; several claims make the model ambiguous.
   */
  recognise(signature: ModelSignature, labels: readonly string[]): string | undefined;
}

/** A family whose rockets take images. */
export interface ImageFamily extends FamilyBase {
  readonly input: 'image';
  /** Input size when neither the model, its metadata nor the manifest give one. */
  readonly fallbackSize: number;
  /** Works out the family's spec fields; throws ROCKET_UNSUPPORTED or ROCKET_INVALID when it cannot. */
  configure(ctx: ImageFamilyContext): ImageConfiguration;
  /** How uploads are decoded for a spec, when not as its preprocessing says. */
  decodeAs?(spec: ImageRocketSpec): Preprocess;
  /**
   * Non-JSON answers by `format` value (e.g. `image`: the photo with boxes drawn). The first is the
   * default when the family answers with an image rather than JSON (`defaultsToImage`).
   */
  readonly renderers: Record<string, (input: RenderInput) => Promise<Rendered>>;
  /** True when a request without `format` gets an image (chosen from Accept) rather than JSON. */
  readonly defaultsToImage: boolean;
  /** The JSON form of the fields when they hold binary data (e.g. an image as base64). */
  toJson?(fields: TaskFields, options: FamilyOptions): Promise<TaskFields>;
  /**
   * What the playground needs to know about this rocket beyond the family's view (a pose
   * skeleton, a semantic palette), merged into GET /playground.json.
   */
  playgroundOf?(spec: ImageRocketSpec): Record<string, unknown>;
}

/** Runs the model on named tensors in a worker and returns the outputs asked for. */
export type RunTensors = (
  feeds: Record<string, WireTensor>,
  fetches: string[],
) => Promise<Record<string, WireTensor>>;

/**
 * What a family's `head.ts` exports: its worker side. Inference workers load it by task name
 * (`src/tasks/<task>/head.js`), so they never load the family object and what only the main thread
 * needs (zod schemas, sharp for drawing): about 23 MB less per worker.
 */
export interface ImageHeadModule {
  createHead(spec: ImageRocketSpec, kernels: Kernels): Head;
  decodeAs?(spec: ImageRocketSpec): Preprocess;
}

/** What a rows family's `head.ts` exports. */
export interface RowsHeadModule {
  predict: RowsFamily['predict'];
}

/** A family whose rockets take rows of numbers. */
export interface RowsFamily extends FamilyBase {
  readonly input: 'rows';
  configure(ctx: FamilyContext): TabularSpec;
  /** Runs rows through the model (with `run`) and returns the response fields and the inference time. */
  predict(
    spec: TabularRocketSpec,
    rows: number[][],
    run: RunTensors,
  ): Promise<{ fields: TaskFields; inferenceMs: number }>;
}

export type TaskFamily = ImageFamily | RowsFamily;
