import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import { loadKernels } from '../kernels/index.js';
import { probeGpus } from '../kernels/native.js';
import { classifyRow } from '../pipeline/classify.js';
import { DetectPostprocessor } from '../pipeline/detect.js';
import type { TaskResult } from '../pipeline/results.js';
import { fillInputTensor, inputDims } from '../pipeline/tensor.js';
import type { Job, WorkerInit, WorkerReply, WorkerRequest } from './messages.js';
import { explainProviderFailure } from './providers.js';

// One onnxruntime session per worker thread: session.run() computes on the calling thread, so it
// must never run on the main one. Pre- and postprocessing run here too.

const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let runner: ((job: Job) => Promise<{ result: TaskResult; timing: Record<string, number> }>) | undefined;

port.on('message', async (message: WorkerRequest) => {
  if (message.type === 'init') {
    try {
      const created = await createRunner(message.init);
      runner = created.run;
      reply({ type: 'ready', provider: created.provider, fallbackReason: created.fallbackReason });
    } catch (err) {
      const code = err instanceof RocketError ? err.code : 'MODEL_LOAD_FAILED';
      reply({ type: 'init-error', code, message: (err as Error).message });
    }
    return;
  }
  try {
    if (!runner) throw new RocketError('NOT_READY', 'The inference worker has not loaded its model');
    const { result, timing } = await runner(message.job);
    reply({ type: 'result', id: message.id, result, timing: timing as never });
  } catch (err) {
    const code = err instanceof RocketError ? err.code : 'INFERENCE_FAILED';
    reply({ type: 'job-error', id: message.id, code, message: (err as Error).message });
  }
});

async function createSession(init: WorkerInit) {
  let fallbackReason: string | undefined;
  for (const candidate of init.candidates) {
    try {
      const session = await ort.InferenceSession.create(init.spec.modelPath, {
        executionProviders: candidate.executionProviders,
        intraOpNumThreads: init.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      return { session, provider: candidate.label, fallbackReason };
    } catch (err) {
      const message = (err as Error).message;
      if (candidate.executionProviders.some((p) => p.name === 'cuda')) {
        const explained = explainProviderFailure(candidate.label, message, probeGpus());
        if (candidate.required) throw new RocketError('PROVIDER_UNAVAILABLE', explained);
        fallbackReason = explained;
        continue;
      }
      throw new RocketError(
        'MODEL_LOAD_FAILED',
        `onnxruntime cannot load ${init.spec.modelPath}: ${message}`,
      );
    }
  }
  throw new RocketError('PROVIDER_UNAVAILABLE', 'No execution provider could be created');
}

async function createRunner(init: WorkerInit) {
  const { session, provider, fallbackReason } = await createSession(init);
  const { spec } = init;
  const kernels = loadKernels(init.kernels);
  const pre = spec.preprocess;
  const dims = inputDims(pre);
  const canvas = new Float32Array(dims.reduce((a, b) => a * b, 1));
  const detect = new DetectPostprocessor(spec, kernels);

  const run = async (job: Job) => {
    const t0 = performance.now();
    const data = fillInputTensor(job, pre, kernels, canvas);
    const t1 = performance.now();
    const outputs = await session.run({ [spec.inputName]: new ort.Tensor('float32', data, dims) }, [
      spec.outputName,
    ]);
    const t2 = performance.now();
    const out = outputs[spec.outputName];
    if (out?.type !== 'float32') {
      throw new RocketError('INFERENCE_FAILED', `Model output ${spec.outputName} is not a float32 tensor`);
    }
    const values = out.data as Float32Array;
    const result: TaskResult =
      spec.task === 'detect'
        ? { task: 'detect', detections: detect.run(values, out.dims, job) }
        : { task: 'classify', predictions: classifyRow(values, spec, job, kernels) };
    const t3 = performance.now();
    return { result, timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 } };
  };
  await warmUp(run, spec);
  return { run, provider, fallbackReason };
}

/** One full run on a blank image, so the first real request does not pay for lazy initialisation. */
async function warmUp(run: (job: Job) => Promise<unknown>, spec: WorkerInit['spec']) {
  const { width, height } = spec.preprocess;
  const channels = spec.preprocess.channelOrder === 'gray' ? 1 : 3;
  await run({
    pixels: new Uint8Array(width * height * channels),
    width,
    height,
    channels,
    original: { width, height },
    placement: { resizeWidth: width, resizeHeight: height, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 },
    thresholds: spec.thresholds,
  });
}
