import { decodeForModel } from '../image/decode.js';
import type { WireTensor } from '../inference/messages.js';
import type { InferencePool } from '../inference/pool.js';
import type { RocketSpec, Task, Thresholds } from '../rocket/types.js';
import type { Detection, Prediction } from './results.js';

/** Milliseconds spent in each stage of one request. */
export interface Timing {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  totalMs: number;
}

/** The JSON body of a successful /process response (see docs/api.md). */
export interface ProcessResponse {
  rocket: { name: string; version: string };
  task: Task;
  image: { width: number; height: number };
  detections?: Detection[];
  predictions?: Prediction[];
  timing: Timing;
}

/**
 * The core pipeline, independent of any HTTP framework: decode (main thread, inside libvips'
 * own threads) → preprocess, infer, postprocess (an inference worker thread).
 */
export class RocketPipeline {
  constructor(
    readonly spec: RocketSpec,
    private readonly pool: InferencePool,
    private readonly maxPixels: number,
  ) {}

  /**
   * Runs one encoded image. `overrides` replace the rocket's default thresholds. When `signal`
   * aborts (the client went away) before inference starts, the job leaves the queue.
   */
  async process(
    bytes: Uint8Array,
    overrides: Partial<Thresholds> = {},
    signal?: AbortSignal,
  ): Promise<ProcessResponse> {
    const start = performance.now();
    const image = await decodeForModel(bytes, this.spec.preprocess, this.maxPixels);
    const decoded = performance.now();
    const pixels = ownsBuffer(image.pixels) ? image.pixels : image.pixels.slice();
    const { result, timing } = await this.pool.run(
      {
        pixels,
        width: image.width,
        height: image.height,
        channels: image.channels,
        original: image.original,
        placement: image.placement,
        thresholds: { ...this.spec.thresholds, ...overrides },
      },
      signal,
    );
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      rocket: { name: this.spec.name, version: this.spec.version },
      task: result.task,
      image: { width: image.original.width, height: image.original.height },
      ...(result.task === 'detect' ? { detections: result.detections } : { predictions: result.predictions }),
      timing: {
        decodeMs: round(decoded - start),
        preprocessMs: round(timing.preprocessMs),
        inferenceMs: round(timing.inferenceMs),
        postprocessMs: round(timing.postprocessMs),
        totalMs: round(performance.now() - start),
      },
    };
  }

  /** Runs the model on raw tensors in a worker (Open Inference Protocol, tabular rockets). */
  runTensors(
    feeds: Record<string, WireTensor>,
    fetches: string[],
    signal?: AbortSignal,
  ): Promise<Record<string, WireTensor>> {
    return this.pool.runTensors(feeds, fetches, signal);
  }
}

/** True when the view spans its whole ArrayBuffer, so transferring it moves nothing else. */
function ownsBuffer(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}
