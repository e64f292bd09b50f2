import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import { loadKernels } from '../kernels/index.js';
import { lowerThreadPriority, probeGpus } from '../kernels/native.js';
import { loadImageHead, loadRowsHead } from './heads.js';
import { blankJob, createImageRunner, type ImageRunner, toOrtTensor } from './image-runner.js';
import {
  transferList,
  type WireTensor,
  type WorkerInit,
  type WorkerReply,
  type WorkerRequest,
} from './messages.js';
import { explainProviderFailure } from './providers.js';

// One onnxruntime session per worker thread: session.run() computes on the calling thread, so it
// must never run on the main one. Pre- and postprocessing run here too.

// onnxruntime's process-wide log: errors only (see logSeverityLevel below).
ort.env.logLevel = 'error';

const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let runner: ImageRunner | undefined;
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
    if (!session) throw new RocketError('NOT_READY', 'The inference worker has not loaded its model');
    if (message.type === 'tensors') {
      const started = performance.now();
      const outputs = await runTensors(session, message.feeds, message.fetches);
      reply(
        { type: 'tensors-result', id: message.id, outputs, inferenceMs: performance.now() - started },
        transferList(Object.values(outputs).map((t) => t.data)),
      );
      return;
    }
    if (!runner) throw new RocketError('INFERENCE_FAILED', 'This rocket takes tensors, not images');
    const { results, timing, transfer } = await runner(message.jobs);
    reply({ type: 'results', id: message.id, results, timing }, transfer);
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
        // onnxruntime writes its own log straight to stderr, past our logger: an old-IR model alone
        // gives one warning per weight (240 lines for UltraFace). Its errors reach us as exceptions,
        // and what its warnings say about the model is logged once, by us (RocketSpec.warnings).
        logSeverityLevel: 3,
        // On the CPU the memory pattern only adds a pre-planned block per session: without it the
        // YOLOv8n rocket peaked at ~350 MB instead of ~400 MB under the benchmark, at the same speed.
        enableMemPattern: candidate.label !== 'cpu',
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
  // Before the session exists, so its intra-op threads inherit the lower priority.
  if (init.nice > 0) lowerThreadPriority(init.nice);
  const { session, provider, fallbackReason } = await createSession(init);
  const { spec } = init;
  if (spec.input === 'rows') {
    // One warm-up row of zeros, when the width is known, through the path requests take.
    if (spec.tabular.features !== null) {
      const zeros = new Array<number>(spec.tabular.features).fill(0);
      const { predict } = await loadRowsHead(spec.task);
      await predict(spec, [zeros], (feeds, fetches) => runTensors(session, feeds, fetches));
    }
    return { run: undefined, session, provider, fallbackReason };
  }
  const family = await loadImageHead(spec.task);
  const run = createImageRunner(session, spec, family, loadKernels(init.kernels), init.batchMax);
  // Warm-up: the first real request pays for no lazy initialisation, and the family's checks see
  // every output the model gives, so a misread layout fails here (OUTPUT_INVALID), not on a client.
  await run([blankJob(spec, family)]);
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
    inputs[name] = toOrtTensor(t);
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
