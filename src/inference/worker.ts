import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import { loadKernels } from '../kernels/index.js';
import { probeGpus } from '../kernels/native.js';
import { classifyRow } from '../pipeline/classify.js';
import { DetectPostprocessor } from '../pipeline/detect.js';
import type { TaskResult } from '../pipeline/results.js';
import { fillInputTensor, inputDims } from '../pipeline/tensor.js';
import type { Job, WireTensor, WorkerInit, WorkerReply, WorkerRequest, WorkerTiming } from './messages.js';
import { explainProviderFailure } from './providers.js';

// One onnxruntime session per worker thread: session.run() computes on the calling thread, so it
// must never run on the main one. Pre- and postprocessing run here too.

const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let runner: ((jobs: Job[]) => Promise<{ results: TaskResult[]; timing: WorkerTiming }>) | undefined;
let session: ort.InferenceSession | undefined;

port.on('message', async (message: WorkerRequest) => {
  if (message.type === 'init') {
    try {
      const created = await createRunner(message.init);
      runner = created.run;
      session = created.session;
      reply({ type: 'ready', provider: created.provider, fallbackReason: created.fallbackReason });
    } catch (err) {
      const code = err instanceof RocketError ? err.code : 'MODEL_LOAD_FAILED';
      reply({ type: 'init-error', code, message: (err as Error).message });
    }
    return;
  }
  try {
    if (!runner || !session)
      throw new RocketError('NOT_READY', 'The inference worker has not loaded its model');
    if (message.type === 'tensors') {
      const started = performance.now();
      const outputs = await runTensors(session, message.feeds, message.fetches);
      const transfer = Object.values(outputs).flatMap((t) =>
        ArrayBuffer.isView(t.data) ? [t.data.buffer as ArrayBuffer] : [],
      );
      reply(
        { type: 'tensors-result', id: message.id, outputs, inferenceMs: performance.now() - started },
        transfer,
      );
      return;
    }
    const { results, timing } = await runner(message.jobs);
    reply({ type: 'results', id: message.id, results, timing });
  } catch (err) {
    const code = err instanceof RocketError ? err.code : 'INFERENCE_FAILED';
    reply({ type: 'batch-error', id: message.id, code, message: (err as Error).message });
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
  const perImage = dims.reduce((a, b) => a * b, 1);
  const canvas = new Float32Array(perImage * init.batchMax);
  const detect = new DetectPostprocessor(spec, kernels);

  /** Runs up to batchMax images as one [N, ...] tensor and splits the output per image. */
  const run = async (jobs: Job[]) => {
    const t0 = performance.now();
    const n = jobs.length;
    jobs.forEach((job, i) => {
      fillInputTensor(job, pre, kernels, canvas.subarray(i * perImage, (i + 1) * perImage));
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
      return spec.task === 'detect'
        ? { task: 'detect', detections: detect.run(row, itemDims, job) }
        : { task: 'classify', predictions: classifyRow(row, spec, job, kernels) };
    });
    const t3 = performance.now();
    return { results, timing: { preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 } };
  };
  await warmUp(run, spec);
  return { run, session, provider, fallbackReason };
}

/** Runs the model on raw tensors (Open Inference Protocol, tabular rockets) and returns the outputs asked for. */
async function runTensors(
  session: ort.InferenceSession,
  feeds: Record<string, WireTensor>,
  fetches: string[],
): Promise<Record<string, WireTensor>> {
  const inputs: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    inputs[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
  }
  let outputs: ort.InferenceSession.OnnxValueMapType;
  try {
    outputs = await session.run(inputs, fetches);
  } catch (err) {
    throw new RocketError(
      'INFERENCE_FAILED',
      `The model rejected the input tensors: ${(err as Error).message}`,
    );
  }
  const result: Record<string, WireTensor> = {};
  for (const [name, value] of Object.entries(outputs)) {
    result[name] = { type: value.type, dims: [...value.dims], data: value.data as WireTensor['data'] };
  }
  return result;
}

/** One full run on a blank image, so the first real request does not pay for lazy initialisation. */
async function warmUp(run: (jobs: Job[]) => Promise<unknown>, spec: WorkerInit['spec']) {
  const { width, height } = spec.preprocess;
  const channels = spec.preprocess.channelOrder === 'gray' ? 1 : 3;
  await run([
    {
      pixels: new Uint8Array(width * height * channels),
      width,
      height,
      channels,
      original: { width, height },
      placement: { resizeWidth: width, resizeHeight: height, offsetX: 0, offsetY: 0, scaleX: 1, scaleY: 1 },
      thresholds: spec.thresholds,
    },
  ]);
}
