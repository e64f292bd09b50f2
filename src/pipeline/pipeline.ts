import { RocketError } from '../errors.js';
import { decodeForModel } from '../image/decode.js';
import type { Job, JobResult, WireTensor } from '../inference/messages.js';
import type { InferencePool } from '../inference/pool.js';
import type { ImageRocketSpec, RocketSpec, Task, Thresholds } from '../rocket/types.js';
import { decodePreprocess } from './image2image.js';
import type { Detection, OutputImage, Prediction } from './results.js';
import { predictRows, type TabularPrediction } from './tabular.js';

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

/** An image-to-image result: the envelope plus the produced image (the route encodes it). */
export type ImageProcessResponse = ProcessResponse & { output?: OutputImage };

/** The JSON body of a tabular prediction. */
export interface TabularResponse {
  rocket: { name: string; version: string };
  task: 'tabular';
  predictions: TabularPrediction[];
  timing: { inferenceMs: number; totalMs: number };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

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
  ): Promise<ImageProcessResponse> {
    const [response] = await this.processMany([bytes], overrides, signal);
    return response as ImageProcessResponse;
  }

  /**
   * Runs several encoded images; with a dynamic batch dimension they share one inference run.
   * Results come back in input order.
   */
  async processMany(
    images: Uint8Array[],
    overrides: Partial<Thresholds> = {},
    signal?: AbortSignal,
  ): Promise<ImageProcessResponse[]> {
    const spec = this.imageSpec();
    const start = performance.now();
    const pre = decodePreprocess(spec);
    const decodedAll = await Promise.all(images.map((bytes) => decodeForModel(bytes, pre, this.maxPixels)));
    const decodeMs = performance.now() - start;
    const jobs: Job[] = decodedAll.map((image) => ({
      pixels: ownsBuffer(image.pixels) ? image.pixels : image.pixels.slice(),
      width: image.width,
      height: image.height,
      channels: image.channels,
      original: image.original,
      placement: image.placement,
      thresholds: { ...spec.thresholds, ...overrides },
    }));
    const results: JobResult[] =
      spec.dynamicBatch && jobs.length > 1
        ? await this.pool.runMany(jobs, signal)
        : await Promise.all(jobs.map((job) => this.pool.run(job, signal)));
    const totalMs = performance.now() - start;
    return results.map(({ result, timing }, i) => ({
      rocket: { name: spec.name, version: spec.version },
      task: result.task,
      image: { width: decodedAll[i]?.original.width ?? 0, height: decodedAll[i]?.original.height ?? 0 },
      ...(result.task === 'detect' ? { detections: result.detections } : {}),
      ...(result.task === 'classify' ? { predictions: result.predictions } : {}),
      ...(result.task === 'image2image' ? { output: result.output } : {}),
      timing: {
        decodeMs: round(decodeMs),
        preprocessMs: round(timing.preprocessMs),
        inferenceMs: round(timing.inferenceMs),
        postprocessMs: round(timing.postprocessMs),
        totalMs: round(totalMs),
      },
    }));
  }

  /** Runs rows of features through a tabular rocket. */
  async predict(rows: number[][], signal?: AbortSignal): Promise<TabularResponse> {
    if (this.spec.task !== 'tabular') {
      throw new RocketError('UNSUPPORTED_INPUT', `This rocket is ${this.spec.task}: send an image, not rows`);
    }
    const start = performance.now();
    const { predictions, inferenceMs } = await predictRows(this.spec, rows, (feeds, fetches) =>
      this.pool.runTensors(feeds, fetches, signal),
    );
    return {
      rocket: { name: this.spec.name, version: this.spec.version },
      task: 'tabular',
      predictions,
      timing: { inferenceMs: round(inferenceMs), totalMs: round(performance.now() - start) },
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

  private imageSpec(): ImageRocketSpec {
    if (this.spec.task === 'tabular') {
      throw new RocketError(
        'UNSUPPORTED_INPUT',
        'This rocket is tabular: send rows (JSON, CSV or query parameters), not an image',
      );
    }
    return this.spec;
  }
}

/** True when the view spans its whole ArrayBuffer, so transferring it moves nothing else. */
function ownsBuffer(view: Uint8Array): boolean {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}
