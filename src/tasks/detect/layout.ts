/**
 * A detector layout: one way models lay out their detections (YOLOv8 heads, NMS-free rows, DETR
 * queries, face heads, ...). The detect family picks one per rocket (zero-config or
 * `output.format`) and runs its decoder in the worker; NMS, mapping back to the image and the
 * validity checks are shared (postprocess.ts).
 */
import type { Job, WireTensor } from '../../inference/messages.js';
import type { Candidates, Kernels } from '../../kernels/types.js';
import type { ModelSignature } from '../../rocket/infer.js';
import type { ImageRocketSpec, Preprocess } from '../../rocket/types.js';
import type { OutputView } from '../types.js';
import type { DetectOutput } from './manifest.js';

/** What a layout is told when it configures a rocket. */
export interface LayoutContext {
  modelPath: string;
  signature: ModelSignature;
  /** The manifest's `output` fields. */
  output: DetectOutput;
  labels: readonly string[];
  /** The model's input size in pixels. */
  width: number;
  height: number;
}

/** A layout's part of the spec. */
export interface LayoutConfiguration {
  outputNames: string[];
  /** Layout-specific settings, stored as `spec.head.settings`. */
  settings: object;
  /** Preprocessing defaults of models with this layout (before the manifest's). */
  preprocess?: Partial<Preprocess>;
  /** Class names when the rocket has none: face detectors find one class, `face`. */
  labels?: string[];
}

/** The detect family's `spec.head`. */
export interface DetectHead {
  layout: string;
  settings: object;
}

/** Reads one image's outputs into candidates. Created once per worker. */
export interface Decoder {
  /** Candidates the decoder can write at most for these outputs: the size of the buffers it needs. */
  capacity(outputs: Record<string, OutputView>): number;
  /** Landmarks per candidate (face layouts: 5), 0 when none. */
  keypoints: number;
  /** Values per candidate after the class scores (`Candidates.extras`: mask coefficients, ...), 0 when none. */
  extras: number;
  /** True when the model already suppresses duplicates (end2end, DETR): no NMS. */
  nmsFree: boolean;
  /** `input`: boxes in model-input pixels (mapped back through the letterbox); `original`: already in image pixels. */
  units: 'input' | 'original';
  /** Writes the candidates above `confThreshold` and returns their number. */
  decode(outputs: Record<string, OutputView>, confThreshold: number, out: Candidates, job: Job): number;
  /** Extra inputs of a batch (DETR's original sizes). */
  extraFeeds?(jobs: readonly Job[]): Record<string, WireTensor>;
}

export interface DetectLayout {
  /** The `output.format` value. */
  name: string;
  /** One line for docs/rocket.md and `rocket inspect`. */
  summary: string;
  /** Zero-config: why this layout fits the model, or undefined (manifest-only layouts never claim). */
  recognise?(signature: ModelSignature, labels: readonly string[]): string | undefined;
  /** @throws RocketError ROCKET_INVALID or ROCKET_UNSUPPORTED naming what is missing. */
  configure(ctx: LayoutContext): LayoutConfiguration;
  createDecoder(spec: ImageRocketSpec<DetectHead>, kernels: Kernels): Decoder;
}
