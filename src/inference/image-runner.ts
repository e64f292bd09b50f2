import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { elementCount } from '../onnx/proto.js';
import { channelCount, type ImageRocketSpec } from '../rocket/types.js';
import type { ImageHeadModule, OutputView, TaskFields } from '../tasks/types.js';
import type { Job, WireTensor, WorkerTiming } from './messages.js';
import { createTensorFiller, inputDims } from './tensor.js';

/** Runs batches of decoded images through one session: preprocess, run, the family's postprocessing. */
export type ImageRunner = (
  jobs: Job[],
) => Promise<{ results: TaskFields[]; timing: WorkerTiming; transfer: ArrayBuffer[] }>;

/** The tensor types a family's outputs may have. */
type OutputData = OutputView['data'];

/**
 * Builds the image runner of a worker. The input canvas holds `batchMax` images and is reused;
 * a batch of N runs as one `[N, …]` tensor and each output is split per image. What the outputs
 * mean is the task family's business (src/tasks/).
 */
export function createImageRunner(
  session: ort.InferenceSession,
  spec: ImageRocketSpec,
  family: ImageHeadModule,
  kernels: Kernels,
  batchMax: number,
): ImageRunner {
  const dims = inputDims(spec.preprocess);
  const perImage = elementCount(dims);
  let canvas = new Float32Array(perImage * batchMax);
  const fill = createTensorFiller(spec.preprocess, kernels);
  const head = family.createHead(spec, kernels);

  return async (jobs) => {
    const t0 = performance.now();
    const n = jobs.length;
    if (canvas.length < n * perImage) canvas = new Float32Array(n * perImage); // a multi-image request
    const states = jobs.map((job, i) => {
      const prepared = head.prepare?.(job) ?? { job, state: undefined };
      fill(prepared.job, canvas.subarray(i * perImage, (i + 1) * perImage));
      return prepared.state;
    });
    const feeds: Record<string, ort.Tensor> = {
      [spec.inputName]: new ort.Tensor('float32', canvas.subarray(0, n * perImage), [n, ...dims.slice(1)]),
    };
    for (const [name, t] of Object.entries(head.extraFeeds?.(jobs) ?? {})) feeds[name] = toOrtTensor(t);
    const t1 = performance.now();
    const outputs = await session.run(feeds, spec.outputNames);
    const t2 = performance.now();
    const results = jobs.map((job, i) =>
      head.postprocess(imageOutputs(outputs, spec.outputNames, n, i), job, states[i]),
    );
    const t3 = performance.now();
    // Fresh arrays the family produced (images) move to the main thread instead of being copied.
    const transfer = head.transfer ? results.flatMap((fields) => head.transfer?.(fields) ?? []) : [];
    return {
      results,
      timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 },
      transfer,
    };
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
 * One blank job at the model's input size, for the warm-up run. Its confidence threshold is 0, so
 * the family's checks see every candidate the model gives: a misread layout fails at startup.
 */
export function blankJob(spec: ImageRocketSpec, family: ImageHeadModule): Job {
  const { width, height } = spec.preprocess;
  const decoded = family.decodeAs?.(spec) ?? spec.preprocess;
  const channels = channelCount(decoded.channelOrder);
  return {
    pixels: new Uint8Array(width * height * channels),
    width,
    height,
    channels,
    original: { width, height },
    placement: { resizeWidth: width, resizeHeight: height, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 },
    thresholds: { ...spec.thresholds, confidence: 0 },
    options: {},
  };
}
