import { RocketError } from '../errors.js';
import { decodeForModel } from '../image/decode.js';
import type { Job, JobResult, WireTensor } from '../inference/messages.js';
import type { InferencePool } from '../inference/pool.js';
import type { ImageRocketSpec, Preprocess, RocketSpec, Thresholds } from '../rocket/types.js';
import { recordStage, recordWorkerStages } from '../serving/stages.js';
import { imageFamilyOf, rowsFamilyOf } from '../tasks/registry.js';
import type { FamilyOptions, ImageFamily, TaskFields } from '../tasks/types.js';

/** Milliseconds spent in each stage of one request. */
export interface Timing {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  totalMs: number;
  /** Tiles (model runs) the image took, for rockets that run large images as tiles (image-to-image). */
  tiles?: number;
}

/**
 * The result of one image (see docs/api.md): the envelope, and the fields its task family gives
 * (`detections`, `predictions`, `output`, ...). Binary fields are sent as the family's JSON form.
 */
export type ImageProcessResponse = {
  rocket: { name: string; version: string };
  task: string;
  image: { width: number; height: number };
  timing: Timing;
} & TaskFields;

/** The JSON body of a rows rocket's answer: the envelope and its family's fields (`predictions`). */
export type RowsResponse = {
  rocket: { name: string; version: string };
  task: string;
  timing: { inferenceMs: number; totalMs: number };
} & TaskFields;

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The family's fields of a result (`detections`, `output`, ...), without the envelope. */
export function fieldsOf(result: ImageProcessResponse): TaskFields {
  const { rocket: _rocket, task: _task, image: _image, timing: _timing, ...fields } = result;
  return fields;
}

/** The JSON form of a result: binary fields (a produced image) as the family writes them in JSON. */
export async function resultJson(
  family: ImageFamily,
  result: ImageProcessResponse,
  options: FamilyOptions = {},
): Promise<unknown> {
  if (!family.toJson) return result;
  const { rocket, task, image, timing } = result;
  return { rocket, task, image, ...(await family.toJson(fieldsOf(result), options)), timing };
}

/**
 * The core pipeline, independent of any HTTP framework: decode (main thread, inside libvips'
 * own threads) → preprocess, infer, postprocess (an inference worker thread). It exists as soon
 * as the rocket's spec is read: images decode while the first worker may still be creating its
 * session, and their inference waits for the pool.
 */
export class RocketPipeline {
  /** How uploads are decoded: the rocket's preprocessing, unless its family decodes otherwise. */
  private readonly decoding?: Preprocess;

  constructor(
    readonly spec: RocketSpec,
    /** The worker pool, once its first worker has its session; rejects when it cannot start (NOT_READY). */
    private readonly pool: Promise<InferencePool>,
    private readonly maxPixels: number,
    /** ALLOW_SVG: decode SVG uploads instead of refusing them. */
    private readonly allowSvg = false,
  ) {
    if (spec.input === 'image') this.decoding = imageFamilyOf(spec.task).decodeAs?.(spec) ?? spec.preprocess;
  }

  /**
   * Runs one encoded image. `overrides` replace the rocket's default thresholds; `options` are the
   * family's own parameters (e.g. segment's `masks`). When `signal` aborts (the client went away)
   * before inference starts, the job leaves the queue.
   */
  async process(
    bytes: Uint8Array,
    overrides: Partial<Thresholds> = {},
    signal?: AbortSignal,
    options: FamilyOptions = {},
  ): Promise<ImageProcessResponse> {
    const [response] = await this.processMany([bytes], overrides, signal, options);
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
    options: FamilyOptions = {},
  ): Promise<ImageProcessResponse[]> {
    const spec = this.imageSpec();
    const start = performance.now();
    const pre = this.decoding ?? spec.preprocess;
    const decodedAll = await Promise.all(
      images.map((bytes) => decodeForModel(bytes, pre, this.maxPixels, this.allowSvg)),
    );
    const decodeMs = performance.now() - start;
    recordStage('decode', start, start + decodeMs);
    const jobs: Job[] = decodedAll.map((image) => ({
      pixels: movable(image.pixels),
      width: image.width,
      height: image.height,
      channels: image.channels,
      original: image.original,
      placement: image.placement,
      thresholds: { ...spec.thresholds, ...overrides },
      options,
      unresized: image.unresized,
    }));
    const pool = await this.pool;
    const results: JobResult[] =
      spec.dynamicBatch && jobs.length > 1
        ? await pool.runMany(jobs, signal)
        : await Promise.all(jobs.map((job) => pool.run(job, signal)));
    const totalMs = performance.now() - start;
    // One set of worker stages per inference run: images batched together share theirs.
    results.forEach((r, i) => {
      if (results[i - 1]?.startedAt !== r.startedAt) recordWorkerStages(r.queuedAt, r.startedAt, r.timing);
    });
    return results.map(({ fields, timing }, i) => ({
      rocket: { name: spec.name, version: spec.version },
      task: spec.task,
      image: { width: decodedAll[i]?.original.width ?? 0, height: decodedAll[i]?.original.height ?? 0 },
      ...fields,
      timing: {
        decodeMs: round(decodeMs),
        preprocessMs: round(timing.preprocessMs),
        inferenceMs: round(timing.inferenceMs),
        postprocessMs: round(timing.postprocessMs),
        totalMs: round(totalMs),
        ...(timing.tiles === undefined ? {} : { tiles: timing.tiles }),
      },
    }));
  }

  /** Runs rows of features through a tabular rocket. */
  async predict(rows: number[][], signal?: AbortSignal): Promise<RowsResponse> {
    if (this.spec.input !== 'rows') {
      throw new RocketError('UNSUPPORTED_INPUT', `This rocket is ${this.spec.task}: send an image, not rows`);
    }
    const start = performance.now();
    const { fields, inferenceMs } = await rowsFamilyOf(this.spec.task).predict(
      this.spec,
      rows,
      (feeds, fetches) => this.runTensors(feeds, fetches, signal),
    );
    return {
      rocket: { name: this.spec.name, version: this.spec.version },
      task: this.spec.task,
      ...fields,
      timing: { inferenceMs: round(inferenceMs), totalMs: round(performance.now() - start) },
    };
  }

  /** Runs the model on raw tensors in a worker (Open Inference Protocol, tabular rockets). */
  async runTensors(
    feeds: Record<string, WireTensor>,
    fetches: string[],
    signal?: AbortSignal,
  ): Promise<Record<string, WireTensor>> {
    return (await this.pool).runTensors(feeds, fetches, signal);
  }

  /** The rocket's spec, when it takes images; UNSUPPORTED_INPUT otherwise. */
  imageSpec(): ImageRocketSpec {
    if (this.spec.input !== 'image') {
      throw new RocketError(
        'UNSUPPORTED_INPUT',
        `This rocket is ${this.spec.task}: send rows (JSON, CSV or query parameters), not an image`,
      );
    }
    return this.spec;
  }
}

/**
 * The pixels in an ArrayBuffer of their own, which moves to the worker thread. sharp's buffers are
 * the addon's memory, which Node copies instead when they are posted (on this thread either way),
 * so the job would hold sharp's for the whole request; copied here, it dies young.
 */
function movable(pixels: Uint8Array): Uint8Array {
  return new Uint8Array(pixels);
}
