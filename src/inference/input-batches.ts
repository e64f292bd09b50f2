/**
 * The input side of a worker's batches: which decoded jobs can share one inference run, and the
 * `[N, …]` input tensor of those that do.
 */
import ort from 'onnxruntime-node';
import { canvasSize } from '../image/geometry.js';
import type { Kernels } from '../kernels/types.js';
import { elementCount } from '../onnx/data-types.js';
import type { Preprocess } from '../rocket/types.js';
import type { Job } from './messages.js';
import { createTensorFiller, inputDims } from './tensor.js';

/**
 * Indices of jobs that can share a batch, in order: those of one input size, which is all of them
 * unless the rocket runs images at their own size (resize `none`).
 */
export function sameSizeGroups(jobs: readonly Job[], pre: Preprocess): number[][] {
  const groups = new Map<string, number[]>();
  jobs.forEach((job, i) => {
    const { width, height } = canvasSize(pre, job.width, job.height);
    const key = `${width}x${height}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()];
}

/**
 * Builds the input tensor of a batch of same-size jobs. A fixed-size rocket's canvas holds
 * `batchMax` images and is reused; an any-size rocket's (resize `none`) is made for each batch at
 * its images' size and not kept, so a large image leaves nothing behind.
 */
export function createInputTensors(
  pre: Preprocess,
  kernels: Kernels,
  batchMax: number,
): (jobs: Job[]) => ort.Tensor {
  if (pre.resize === 'none') {
    return (jobs) => {
      const { width, height } = jobs[0] as Job;
      const sized = { ...pre, width, height };
      const dims = inputDims(sized);
      const canvas = new Float32Array(jobs.length * elementCount(dims));
      return batchTensor(jobs, dims, createTensorFiller(sized, kernels), canvas);
    };
  }
  const dims = inputDims(pre);
  const perImage = elementCount(dims);
  let canvas = new Float32Array(perImage * batchMax);
  const fill = createTensorFiller(pre, kernels);
  return (jobs) => {
    if (canvas.length < jobs.length * perImage) canvas = new Float32Array(jobs.length * perImage); // a multi-image request
    return batchTensor(jobs, dims, fill, canvas);
  };
}

/** Fills `canvas` with the jobs' inputs (`dims` each, batch first) and wraps it as a `[N, …]` tensor. */
function batchTensor(
  jobs: readonly Job[],
  dims: readonly number[],
  fill: (job: Job, dst: Float32Array) => void,
  canvas: Float32Array,
): ort.Tensor {
  const perImage = elementCount(dims);
  jobs.forEach((job, i) => {
    fill(job, canvas.subarray(i * perImage, (i + 1) * perImage));
  });
  return new ort.Tensor('float32', canvas.subarray(0, jobs.length * perImage), [
    jobs.length,
    ...dims.slice(1),
  ]);
}
