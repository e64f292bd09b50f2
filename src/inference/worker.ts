import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { RocketError } from '../errors.js';
import type { ImageHeadModule, RowsHeadModule } from '../tasks/types.js';
import type { ImageRunner } from './image-runner.js';
import {
  type ServeInit,
  type SessionInit,
  transferList,
  type WireTensor,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStartup,
} from './messages.js';
import {
  cpuIdentity,
  discardCopy,
  discardOptimizedModel,
  findOptimizedModel,
  saveOptimizedModel,
} from './optimized-model.js';

// One onnxruntime session per worker thread: session.run() computes on the calling thread, so it
// must never run on the main one. Pre- and postprocessing run here too. Only onnxruntime is
// imported before the session is asked for: the modules that serve with it (kernels, the family's
// head) load while onnxruntime creates the session on its own thread (see `open` below).

/** The modules that serve requests on the session. */
const servingModules = () =>
  Promise.all([import('../kernels/index.js'), import('./image-runner.js'), import('./heads.js')]);
type ServingModules = Awaited<ReturnType<typeof servingModules>>;

// onnxruntime's process-wide log: errors only (see logSeverityLevel below).
ort.env.logLevel = 'error';

/**
 * The time now as a Unix epoch in ms: a thread's performance.now() counts from an origin that
 * differs between Node versions (the process's, or the thread's own), so the pool turns these
 * into ms since the process started (WorkerStartup).
 */
const epochMs = () => performance.timeOrigin + performance.now();
/** When this thread's modules had loaded. */
const importedMs = epochMs();
const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');
const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let runner: ImageRunner | undefined;
let session: ort.InferenceSession | undefined;
/** The session being created since the `open` message; `serve` waits for it. */
let opening: ReturnType<typeof createSession> | undefined;
let serving: ReturnType<typeof servingModules> | undefined;
/** The warm-up of what `serve` built (see warmUpRun). */
let warmUp: (() => Promise<void>) | undefined;
/** Where this worker's start went so far (WorkerStartup, without readyMs and provenBy). */
const startup = {
  importedMs,
  sessionMs: Number.NaN,
  specMs: Number.NaN,
  servableMs: Number.NaN,
  optimizedModel: 'off',
};
/** Tells the pool this worker's first run passed the family's checks. */
function sendProven(provenBy: WorkerStartup['provenBy']): void {
  reply({ type: 'proven', startup: { ...startup, readyMs: epochMs(), provenBy } });
}

port.on('message', async (message: WorkerRequest) => {
  if (message.type === 'open') {
    opening = createSession(message.session).then((created) => {
      startup.sessionMs = epochMs();
      return created;
    });
    // A failure is reported when `serve` arrives, which awaits it. `opened` tells the pool the
    // thread may be terminated now without aborting the process (see discardWorker()).
    opening.then(
      () => reply({ type: 'opened' }),
      () => reply({ type: 'opened' }),
    );
    serving = servingModules();
    return;
  }
  if (message.type === 'serve' || message.type === 'warm-up') {
    try {
      if (message.type === 'warm-up') {
        if (!warmUp) throw new Error('The inference worker was told to warm up before serving');
        await warmUp();
        sendProven('blank');
        return;
      }
      if (!opening || !serving)
        throw new Error('The inference worker was told to serve before opening a session');
      startup.specMs = epochMs();
      const modules = await serving;
      const { spec } = message.serve;
      // The family's head loads while the session may still be being created.
      const head =
        spec.input === 'rows' ? modules[2].loadRowsHead(spec.task) : modules[2].loadImageHead(spec.task);
      head.catch(() => {});
      const created = await opening;
      const loaded = await head;
      runner = createRunner(created.session, message.serve, modules, loaded);
      warmUp = () => warmUpRun(created.session, message.serve, modules, loaded, runner);
      session = created.session;
      startup.servableMs = epochMs();
      reply({
        type: 'servable',
        provider: created.provider,
        fallbackReason: created.fallbackReason,
        requestProof: modules[1].provableByRequest(spec),
      });
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
    // The pool marks a batch `proof` only while this worker is unproven (its first run).
    const { results, timing, transfer } = await runner(message.jobs, message.proof);
    if (message.proof) sendProven('request');
    reply({ type: 'results', id: message.id, results, timing }, transfer);
  } catch (err) {
    const code = err instanceof RocketError ? err.code : 'INFERENCE_FAILED';
    reply({ type: 'batch-error', id: message.id, code, message: (err as Error).message });
  }
});

async function createSession(init: SessionInit) {
  // Before the session exists, so its intra-op threads inherit the lower priority.
  if (init.nice > 0) (await import('../kernels/native.js')).lowerThreadPriority(init.nice);
  let fallbackReason: string | undefined;
  for (const candidate of init.candidates) {
    try {
      const options: ort.InferenceSession.SessionOptions = {
        executionProviders: candidate.executionProviders,
        intraOpNumThreads: init.intraOpThreads,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: init.spinning ? '1' : '0' } } },
        graphOptimizationLevel: 'all',
        // onnxruntime writes its own log straight to stderr, past our logger: an old-IR model alone
        // gives one warning per weight (240 lines for UltraFace). Its errors reach us as exceptions,
        // and what its warnings say about the model is logged once, by us (RocketSpec.warnings).
        logSeverityLevel: 3,
        // On the CPU the memory pattern only adds a pre-planned block per session: without it the
        // YOLOv8n rocket peaked at ~350 MB instead of ~400 MB under the benchmark, at the same speed.
        enableMemPattern: candidate.label !== 'cpu',
      };
      const { session, optimizedModel } =
        candidate.label === 'cpu' && init.optimizedModelDir !== null
          ? await createCachedSession(init, init.optimizedModelDir, options)
          : { session: await ort.InferenceSession.create(init.modelPath, options), optimizedModel: 'off' };
      startup.optimizedModel = optimizedModel;
      return { session, provider: candidate.label, fallbackReason };
    } catch (err) {
      const message = (err as Error).message;
      if (candidate.executionProviders.some((p) => p.name === 'cuda')) {
        const [{ explainProviderFailure }, { probeGpus }] = await Promise.all([
          import('./providers.js'),
          import('../kernels/native.js'),
        ]);
        const explained = explainProviderFailure(candidate.label, message, probeGpus());
        if (candidate.required) throw new RocketError('PROVIDER_UNAVAILABLE', explained);
        fallbackReason = explained;
        continue;
      }
      throw new RocketError('MODEL_LOAD_FAILED', `onnxruntime cannot load ${init.modelPath}: ${message}`);
    }
  }
  throw new RocketError('PROVIDER_UNAVAILABLE', 'No execution provider could be created');
}

/**
 * A CPU session through onnxruntime's optimized-model cache (optimized-model.ts): from the copy made
 * by an earlier start when there is one, else from the model, saving the copy onnxruntime makes of
 * it. A copy onnxruntime cannot load is removed and made again; a cache that fails in any way leaves
 * the session as it would be without one. Also says what the cache did, for the startup log.
 */
async function createCachedSession(
  { modelPath, savesOptimizedModel: saves }: SessionInit,
  dir: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<{ session: ort.InferenceSession; optimizedModel: string }> {
  const machine = { onnxruntime: ort.env.versions.common, cpu: cpuIdentity() };
  let plan = findOptimizedModel(modelPath, dir, machine, saves);
  if (plan.use === 'load') {
    try {
      const session = await ort.InferenceSession.create(plan.path, {
        ...options,
        graphOptimizationLevel: 'disabled',
      });
      return { session, optimizedModel: 'loaded' };
    } catch {
      plan = discardCopy(plan.path, saves);
    }
  }
  if (plan.use === 'save') {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        ...options,
        optimizedModelFilePath: plan.partial,
      });
      return { session, optimizedModel: saveOptimizedModel(plan, dir) };
    } catch {
      // Created again below without the copy, so that a failure says what it says without the cache.
      discardOptimizedModel(plan.partial);
    }
  }
  const session = await ort.InferenceSession.create(modelPath, options);
  return {
    session,
    optimizedModel:
      plan.use === 'none' ? `not cached: ${plan.why}` : 'not saved: onnxruntime failed to make it',
  };
}

/** What serves image requests on `session`, or nothing for a rocket that takes rows (the tensor path serves those). */
function createRunner(
  session: ort.InferenceSession,
  init: ServeInit,
  [{ loadKernels }, { createImageRunner }]: ServingModules,
  head: ImageHeadModule | RowsHeadModule,
): ImageRunner | undefined {
  const { spec } = init;
  if (spec.input === 'rows') return undefined;
  return createImageRunner(session, spec, head as ImageHeadModule, loadKernels(init.kernels), init.batchMax);
}

/**
 * The warm-up, for a worker whose first run is not a request's (a proof batch): the first request
 * then pays for no lazy initialisation, and the family's checks see every candidate of a blank
 * image at confidence 0, so a misread layout fails here (OUTPUT_INVALID), not on a client. A rocket
 * that takes rows runs one row of zeros when its width is known, through the path requests take.
 */
async function warmUpRun(
  session: ort.InferenceSession,
  { spec }: ServeInit,
  [, { blankJob }]: ServingModules,
  head: ImageHeadModule | RowsHeadModule,
  run: ImageRunner | undefined,
): Promise<void> {
  if (spec.input === 'rows') {
    if (spec.tabular.features === null) return;
    const zeros = new Array<number>(spec.tabular.features).fill(0);
    await (head as RowsHeadModule).predict(spec, [zeros], (feeds, fetches) =>
      runTensors(session, feeds, fetches),
    );
    return;
  }
  await run?.([blankJob(spec, head as ImageHeadModule)], true);
}

/** Runs the model on raw tensors (Open Inference Protocol, tabular rockets) and returns the outputs asked for. */
async function runTensors(
  session: ort.InferenceSession,
  feeds: Record<string, WireTensor>,
  fetches: string[],
): Promise<Record<string, WireTensor>> {
  const { toOrtTensor } = await import('./image-runner.js'); // loaded with the serving modules
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
