import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { elementCount } from '../onnx/proto.js';
import { classifyRow } from '../pipeline/classify.js';
import { DetectPostprocessor } from '../pipeline/detect.js';
import { decodePreprocess, splitLuma, toOutputImage } from '../pipeline/image2image.js';
import type { TaskResult } from '../pipeline/results.js';
import { createTensorFiller, inputDims } from '../pipeline/tensor.js';
import { channelCount, type ImageRocketSpec } from '../rocket/types.js';
import type { Job, WorkerTiming } from './messages.js';

/** Runs batches of decoded images through one session: preprocess, run, postprocess per task. */
export type ImageRunner = (jobs: Job[]) => Promise<{ results: TaskResult[]; timing: WorkerTiming }>;

/**
 * Builds the image runner of a worker. The input canvas holds `batchMax` images and is reused;
 * a batch of N runs as one `[N, …]` tensor and its output is split per image.
 */
export function createImageRunner(
  session: ort.InferenceSession,
  spec: ImageRocketSpec,
  kernels: Kernels,
  batchMax: number,
): ImageRunner {
  const pre = spec.preprocess;
  const dims = inputDims(pre);
  const perImage = elementCount(dims);
  let canvas = new Float32Array(perImage * batchMax);
  const fill = createTensorFiller(pre, kernels);
  const detect = new DetectPostprocessor(spec, kernels);
  const lumaMode = spec.image2image?.mode === 'y';

  return async (jobs) => {
    const t0 = performance.now();
    const n = jobs.length;
    if (canvas.length < n * perImage) canvas = new Float32Array(n * perImage); // a multi-image request
    const chroma = jobs.map((job, i) => {
      const slot = canvas.subarray(i * perImage, (i + 1) * perImage);
      if (!lumaMode) {
        fill(job, slot);
        return undefined;
      }
      const { luma, cb, cr } = splitLuma(job);
      fill(luma, slot);
      return { cb, cr, width: job.width, height: job.height };
    });
    const input = new ort.Tensor('float32', canvas.subarray(0, n * perImage), [n, ...dims.slice(1)]);
    const t1 = performance.now();
    const outputs = await session.run({ [spec.inputName]: input }, [spec.outputName]);
    const t2 = performance.now();
    const out = outputs[spec.outputName];
    if (out?.type !== 'float32' || out.dims[0] !== n) {
      throw new RocketError(
        'INFERENCE_FAILED',
        `Model output ${spec.outputName} is not a float32 tensor with batch ${n}`,
      );
    }
    const values = out.data as Float32Array;
    const per = values.length / n;
    const itemDims = [1, ...out.dims.slice(1)];
    const results = jobs.map((job, i): TaskResult => {
      const row = values.subarray(i * per, (i + 1) * per);
      if (spec.task === 'detect') return { task: 'detect', detections: detect.run(row, itemDims, job) };
      if (spec.task === 'classify')
        return { task: 'classify', predictions: classifyRow(row, spec, job, kernels) };
      return { task: 'image2image', output: toOutputImage(row, itemDims, spec, chroma[i]) };
    });
    const t3 = performance.now();
    return { results, timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 } };
  };
}

/** One blank job at the model's input size, for the warm-up run. */
export function blankJob(spec: ImageRocketSpec): Job {
  const { width, height } = spec.preprocess;
  const channels = channelCount(decodePreprocess(spec).channelOrder);
  return {
    pixels: new Uint8Array(width * height * channels),
    width,
    height,
    channels,
    original: { width, height },
    placement: { resizeWidth: width, resizeHeight: height, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 },
    thresholds: spec.thresholds,
  };
}
