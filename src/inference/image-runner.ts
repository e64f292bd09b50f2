import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { channelCount, type ImageRocketSpec, type RocketSpec } from '../rocket/types.js';
import type { ImageHeadModule, OutputView, RunModel, TaskFields } from '../tasks/types.js';
import { createInputTensors, sameSizeGroups } from './input-batches.js';
import type { Job, WireTensor, WorkerTiming } from './messages.js';
import { atModelSize } from './model-size.js';

/**
 * Runs batches of decoded images through one session: preprocess, run, the family's
 * postprocessing. With `proof` (a worker's first run, see messages.ts), each image's outputs are
 * first postprocessed as the warm-up's are ({@link asWarmUp}), so that the family's checks see
 * every candidate; a head that drives inference itself checks all it returns whatever the
 * thresholds, so its images run once.
 */
export type ImageRunner = (
  jobs: Job[],
  proof?: boolean,
) => Promise<{ results: TaskFields[]; timing: WorkerTiming; transfer: ArrayBuffer[] }>;

/** The tensor types a family's outputs may have. */
type OutputData = OutputView['data'];

/** The side of the blank image an any-size rocket (resize `none`) warms up on. */
const ANY_SIZE_WARMUP = 64;

/**
 * Builds the image runner of a worker. A batch of N images of one input size runs as one
 * `[N, …]` tensor and each output is split per image; images of different sizes (an any-size
 * rocket, resize `none`) run as separate batches. A head that drives inference itself
 * (`Head.infer`: tiles) runs its images one at a time, as many runs as it needs. What the
 * outputs mean is the task family's business (src/tasks/).
 */
export function createImageRunner(
  session: ort.InferenceSession,
  spec: ImageRocketSpec,
  family: ImageHeadModule,
  kernels: Kernels,
  batchMax: number,
): ImageRunner {
  const inputTensor = createInputTensors(spec.preprocess, kernels, batchMax);
  const head = family.createHead(spec, kernels);

  /** Runs jobs of one input size as one batch, adding its times to `timing`. */
  async function runBatch(jobs: Job[], timing: WorkerTiming) {
    const t0 = performance.now();
    const feeds: Record<string, ort.Tensor> = { [spec.inputName]: inputTensor(jobs) };
    for (const [name, t] of Object.entries(head.extraFeeds?.(jobs) ?? {})) feeds[name] = toOrtTensor(t);
    const t1 = performance.now();
    const outputs = await session.run(feeds, spec.outputNames);
    timing.preprocessMs += t1 - t0;
    timing.inferenceMs += performance.now() - t1;
    return outputs;
  }

  /** Postprocesses one image's outputs; under `proof`, after checking every candidate (see ImageRunner). */
  function postprocess(views: Record<string, OutputView>, job: Job, state: unknown, proof: boolean) {
    if (!proof) return head.postprocess(views, job, state);
    head.postprocess(views, asWarmUp(job), state);
    return head.postprocess(views, job, state);
  }

  return async (received, proof = false) => {
    const start = performance.now();
    const timing: WorkerTiming = { preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 };
    const jobs = received.map((job) => atModelSize(job, kernels));
    const prepared = jobs.map((job) => head.prepare?.(job) ?? { job, state: undefined });
    timing.preprocessMs = performance.now() - start;
    const results: TaskFields[] = [];
    if (head.infer) {
      let runs = 0;
      const run: RunModel = async (job) => {
        runs++;
        return imageOutputs(await runBatch([job], timing), spec.outputNames, 1, 0);
      };
      for (const { job, state } of prepared) results.push(await head.infer(job, run, state));
      timing.tiles = runs;
    } else {
      const inputs = prepared.map((p) => p.job);
      for (const group of sameSizeGroups(inputs, spec.preprocess)) {
        const batch = group.map((i) => inputs[i] as Job);
        const outputs = await runBatch(batch, timing);
        group.forEach((i, b) => {
          const views = imageOutputs(outputs, spec.outputNames, group.length, b);
          results[i] = postprocess(views, jobs[i] as Job, prepared[i]?.state, proof);
        });
      }
    }
    timing.postprocessMs = performance.now() - start - timing.preprocessMs - timing.inferenceMs;
    // Fresh arrays the family produced (images) move to the main thread instead of being copied.
    const transfer = head.transfer ? results.flatMap((fields) => head.transfer?.(fields) ?? []) : [];
    return { results, timing, transfer };
  };
}

/** A tensor as it crossed between threads, as onnxruntime takes it. */
export function toOrtTensor(t: WireTensor): ort.Tensor {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
}

/**
 * Image `i`'s part of each output of a batch of `n`: the whole tensor for one image (some
 * exports have no batch dimension), else the i-th slice along the first dimension.
 */
function imageOutputs(
  outputs: ort.InferenceSession.OnnxValueMapType,
  names: readonly string[],
  n: number,
  i: number,
): Record<string, OutputView> {
  const views: Record<string, OutputView> = {};
  for (const name of names) {
    const out = outputs[name];
    if (!out || !['float32', 'int32', 'int64'].includes(out.type)) {
      throw new RocketError(
        'INFERENCE_FAILED',
        `Model output ${name} is not a float32, int32 or int64 tensor`,
      );
    }
    const data = out.data as OutputData;
    if (n === 1) {
      views[name] = { data, dims: out.dims };
      continue;
    }
    if (out.dims[0] !== n) {
      throw new RocketError(
        'INFERENCE_FAILED',
        `Model output ${name} [${out.dims}] does not have batch ${n}`,
      );
    }
    const per = data.length / n;
    views[name] = {
      data: data.subarray(i * per, (i + 1) * per) as OutputData,
      dims: [1, ...out.dims.slice(1)],
    };
  }
  return views;
}

/**
 * Whether a request's images may be a worker's first run, its proof, in place of the warm-up: for
 * image rockets of a fixed input size. An any-size rocket (resize `none`) warms up on a blank
 * image: a request's run would cost what its size costs, and its head learns the model's output
 * scale from that whole run (image2image's output size check).
 */
export function provableByRequest(spec: RocketSpec): boolean {
  return spec.input === 'image' && spec.preprocess.resize !== 'none';
}

/**
 * One blank job at the model's input size (64×64 for an any-size rocket), for the warm-up run,
 * taken as {@link asWarmUp} takes it.
 */
export function blankJob(spec: ImageRocketSpec, family: ImageHeadModule): Job {
  const { width, height } =
    spec.preprocess.resize === 'none' ? { width: ANY_SIZE_WARMUP, height: ANY_SIZE_WARMUP } : spec.preprocess;
  const decoded = family.decodeAs?.(spec) ?? spec.preprocess;
  const channels = channelCount(decoded.channelOrder);
  const pixels = new Uint8Array(width * height * channels);
  return asWarmUp({ pixels, width, height, channels, thresholds: spec.thresholds, options: {} });
}

/**
 * A job as the warm-up takes it: its confidence threshold is 0, so the family's checks, which all
 * run before suppression, see every candidate the model gives (a misread layout fails at
 * startup); it keeps one detection, which runs what follows suppression once without suppressing
 * and drawing up hundreds of a blank image's boxes (9 of YOLOv8n's 13 ms here); and the image is
 * the model's input itself (no letterbox, no resize back, no options), so that this costs what the
 * warm-up costs whatever the size of the photo a proof batch brings.
 */
export function asWarmUp(
  job: Pick<Job, 'pixels' | 'width' | 'height' | 'channels' | 'thresholds'> & Partial<Job>,
): Job {
  const { width, height } = job;
  return {
    pixels: job.pixels,
    width,
    height,
    channels: job.channels,
    original: { width, height },
    placement: { resizeWidth: width, resizeHeight: height, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 },
    thresholds: { ...job.thresholds, confidence: 0, maxDetections: 1 },
    options: {},
  };
}
