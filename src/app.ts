import { endColdStart } from './cold-start.js';
import { type Config, type ThreadPlan, threadPlan } from './config/options.js';
import { RocketError } from './errors.js';
import { optimizedModelDir } from './inference/optimized-model.js';
import { discardWorker, InferencePool, type LaunchedWorker, launchWorker } from './inference/pool.js';
import { providerCandidates } from './inference/providers.js';
import type { JobQueue } from './jobs/types.js';
import { probeGpus } from './kernels/native.js';
import { exceptionFields, type Logger } from './log.js';
import type { RocketPipeline } from './pipeline/pipeline.js';
import { redactUrl } from './rocket/redact.js';
import { resolveContext, resolveRocketUrl } from './rocket/resolve.js';
import { Admission } from './serving/admission.js';
import { Cors } from './serving/cors.js';
import { GcpProject } from './serving/gcp-project.js';
import { LazyMetrics } from './serving/lazy-metrics.js';
import { settleWithin } from './serving/startup-wait.js';
import type { Tracing } from './serving/tracing.js';

/** How long close() waits for a load still under way to stop (see close()). */
const LOAD_STOP_WAIT_MS = 3000;

/** What /health reports. */
export type Health =
  | { status: 'loading' }
  | { status: 'draining' }
  | { status: 'failed'; error: string }
  | {
      status: 'ok';
      rocket: { name: string; version: string; task: string; source: string };
      device: string;
      executionProvider: string;
      workers: number;
    };

/**
 * One served rocket: loads it (resolve → spec → worker pool, proven by its first run) in the
 * background and exposes the pipeline once servable, with the admission control, metrics and CORS
 * policy every entry point shares. Entry points (our server, functions-framework, CLI, Lambda)
 * wrap this; it changes no process-wide setting: they apply those, with applyProcessSettings(),
 * before the first request.
 */
export class RocketApp {
  private state: Health = { status: 'loading' };
  /** The pipeline, once servable (see `servable`). */
  private servablePipeline?: RocketPipeline;
  /** The worker pool, once its first worker has its session. */
  private pool?: InferencePool;
  private draining = false;
  /** Aborts when the drain starts, releasing the requests held while the rocket loads. */
  private readonly drainStarted = new AbortController();
  /**
   * Settles when the pipeline exists (the spec is read), or rejects with the startup error:
   * requests held during the start go on from then, decoding while the first worker may still be
   * creating its session, and the first of them is the worker's proof (see InferencePool.start).
   */
  readonly servable: Promise<void>;
  /** Settles when the rocket is ready to serve (its first run passed the checks), or rejects with the startup error. */
  readonly ready: Promise<void>;
  private settleServable: (error?: Error) => void = () => {};
  readonly admission: Admission;
  readonly metrics: LazyMetrics;
  readonly cors: Cors;
  /** OpenTelemetry tracing, when the OTEL_* variables turn it on; set by the entry point (startTracing()). */
  tracing?: Tracing;
  /** The job queue (POST /jobs), once startJobs() opened its store: under rocket serve and rocket worker only. */
  jobs?: JobQueue;
  /** Set by startJobs(): stops its runner (jobs still running after `graceMs` go back to the queue), webhooks and retention, and closes the store. Idempotent. */
  stopJobs?: (graceMs: number) => Promise<boolean>;
  /** The Google Cloud project request logs link traces to, when known. */
  readonly project: GcpProject;
  /** Worker threads and intra-op threads per worker, resolved once from the config and CPU count. */
  private readonly plan: ThreadPlan;

  constructor(
    readonly config: Config,
    readonly log: Logger,
    cwd = process.cwd(),
  ) {
    this.plan = threadPlan(config);
    this.admission = new Admission(
      config.MAX_INFLIGHT || 2 * this.plan.threads.length * config.BATCH_MAX,
      config.MAX_QUEUE,
      config.MAX_INFLIGHT_PER_CLIENT,
    );
    this.metrics = new LazyMetrics(() => ({
      queued: this.admission.queued,
      inflight: this.admission.inflight,
      workersBusy: this.pool?.busy ?? 0,
      workers: this.pool?.size ?? 0,
    }));
    this.cors = new Cors(config.CORS_ORIGINS);
    this.project = new GcpProject(config.GOOGLE_CLOUD_PROJECT, config.GCE_METADATA_HOST, log);
    this.servable = new Promise((resolve, reject) => {
      this.settleServable = (error) => (error ? reject(error) : resolve());
    });
    this.servable.catch(() => {}); // observed through awaitAcceptingWork() and the ready promise
    this.ready = this.load(cwd);
    // Ready or failed, the cold start is over: V8 optimizes hot code again (cold-start.ts). A
    // failure is observed through health() and by the entry point.
    this.ready.then(endColdStart, endColdStart);
  }

  /** Loading, ok, draining (after SIGTERM) or failed. */
  health(): Health {
    return this.draining ? { status: 'draining' } : this.state;
  }

  /** True when the rocket is loaded and the app is not draining: what readiness probes ask. */
  get isReady(): boolean {
    return this.state.status === 'ok' && !this.draining;
  }

  /** The pipeline; NOT_READY while loading. Requests admitted before a drain keep using it. */
  pipeline(): RocketPipeline {
    if (!this.servablePipeline)
      throw new RocketError('NOT_READY', 'The rocket is still loading; retry shortly');
    return this.servablePipeline;
  }

  /** Throws NOT_READY unless new work may be admitted: servable (see `servable`), and not draining. */
  assertAcceptingWork(): void {
    if (this.draining || this.state.status === 'failed') throw this.notAccepting();
    this.pipeline();
  }

  /** The NOT_READY of work refused because the server is shutting down or the rocket failed to load. */
  private notAccepting(): RocketError {
    return this.draining
      ? new RocketError('NOT_READY', 'The server is shutting down; retry on another instance')
      : new RocketError('NOT_READY', 'The rocket failed to load; see the server log');
  }

  /**
   * Like {@link assertAcceptingWork}, but while the rocket is still loading it first holds the
   * request (a cold start) until the rocket is servable, fails to load or the drain starts, for at
   * most `waitMs`. Throws NOT_READY (503, Retry-After) when work still may not be admitted then,
   * or when `signal` aborts first (the client went away).
   */
  async awaitAcceptingWork(waitMs: number, signal: AbortSignal): Promise<void> {
    if (!this.servablePipeline && this.state.status === 'loading' && !this.draining) {
      await settleWithin(this.servable, waitMs, [signal, this.drainStarted.signal]);
      if (signal.aborted)
        throw new RocketError('NOT_READY', 'The client went away while the rocket was loading');
    }
    this.assertAcceptingWork();
  }

  /**
   * Stops taking new work (readiness turns off), waits until every admitted request has been
   * answered or `graceMs` passes (running jobs too: those left then go back to the queue), then
   * stops the workers. Resolves true when nothing was cut off.
   */
  async drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    this.drainStarted.abort();
    const deadline = Date.now() + graceMs;
    const jobsStopped = this.stopJobs?.(graceMs) ?? Promise.resolve(true);
    while (!this.admission.idle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const clean = this.admission.idle && (await jobsStopped);
    await this.close();
    return clean;
  }

  /**
   * Stops the jobs and the workers, then exports the spans still buffered (when tracing is on). A
   * load still under way (a signal during the start) is let reach a point where its worker can be
   * stopped, for up to LOAD_STOP_WAIT_MS: a thread stopped while onnxruntime creates its session
   * or runs it aborts the process.
   */
  async close(): Promise<void> {
    await this.stopJobs?.(0);
    if (this.state.status === 'loading') await settleWithin(this.ready, LOAD_STOP_WAIT_MS, []);
    await this.pool?.close();
    await this.tracing?.shutdown();
  }

  /**
   * Resolves the rocket, starts the first worker's session on the model file at once, reads the
   * spec meanwhile, and takes work as soon as the spec is read (its inference waits for that
   * worker's session); it is ready once that worker's first run (a held request's, else a blank
   * image's) passed the family's checks. The other workers warm behind it.
   * The modules only loading needs (family recognition, the pipeline, the demo rocket's builder)
   * are imported here, after the first worker has started, so that they load beside it.
   */
  private async load(cwd: string): Promise<void> {
    const { config, log } = this;
    let first: LaunchedWorker | undefined;
    try {
      const url = config.ROCKET_URL || (await (await import('./demo/embedded.js')).ensureDemoRocket());
      log.info('loading rocket', { rocketUrl: redactUrl(config.ROCKET_URL) || '(embedded demo rocket)' });
      const context = resolveContext(cwd, config);
      const { path, isDirectory } = await resolveRocketUrl(url, context);
      const gpus = probeGpus();
      const { threads } = this.plan;
      const session = {
        candidates: providerCandidates(config.DEVICE, gpus),
        intraOpThreads: threads[0] ?? 1,
        spinning: threads.length === 1,
        nice: config.INFERENCE_NICE,
        optimizedModelDir: optimizedModelDir(context.cacheDir),
        // A first worker with others behind it leaves making the copy to them (see SessionInit).
        savesOptimizedModel: threads.length === 1,
      };
      // A rocket directory names its model in its manifest, read with the spec.
      if (!isDirectory) {
        first = launchWorker({ ...session, modelPath: path });
        log.debug('first inference worker launched', { modelPath: path });
      }
      const { loadRocketSpec } = await import('./rocket/load.js');
      const spec = await loadRocketSpec(path, isDirectory);
      for (const warning of spec.warnings) log.warn(warning, { rocket: spec.name });
      log.debug('rocket spec read', { task: spec.task });
      const init = {
        ...session,
        modelPath: spec.modelPath,
        spec,
        kernels: config.KERNELS,
        batchMax: spec.dynamicBatch ? config.BATCH_MAX : 1,
      };
      const { RocketPipeline } = await import('./pipeline/pipeline.js');
      const starting = InferencePool.start(init, threads, {
        first,
        batchWaitMs: config.BATCH_WAIT_MS,
        onFallback: (reason) => log.warn('DEVICE=auto fell back to the CPU', { reason }),
        onBatch: (size, timing) => this.metrics.record((m) => m.observeRun(size, timing)),
        onFailure: (code) => this.metrics.record((m) => m.inferenceFailures.inc({ code })),
        onWorkerFailed: (err) =>
          log.error('an inference worker could not start; serving with fewer', { error: err.message }),
        ownerIdle: () => this.admission.idle,
      });
      // Work that went on before the pool failed to start is refused as held requests are.
      const workers = starting.catch(() => {
        throw this.notAccepting();
      });
      workers.catch(() => {}); // observed by the work that awaits it
      this.servablePipeline = new RocketPipeline(spec, workers, config.MAX_PIXELS, config.ALLOW_SVG);
      this.settleServable();
      const pool = await starting;
      first = undefined; // the pool owns it now
      this.pool = pool;
      if (this.draining) {
        await pool.close('The server is shutting down');
        throw new RocketError('NOT_READY', 'The server is shutting down');
      }
      await pool.proven;
      const device = config.DEVICE.kind === 'cuda' ? `cuda:${config.DEVICE.deviceId}` : config.DEVICE.kind;
      const health: Health = {
        status: 'ok',
        rocket: {
          name: spec.name,
          version: spec.version,
          task: spec.task,
          source: redactUrl(config.ROCKET_URL) || 'embedded:demo',
        },
        device,
        executionProvider: pool.provider,
        workers: threads.length,
      };
      this.state = health;
      const info = {
        rocket: spec.name,
        version: spec.version,
        task: spec.task,
        device,
        execution_provider: pool.provider,
      };
      this.metrics.record((m) => m.info.set(info, 1));
      // prom-client loads now, off the cold start (LazyMetrics).
      this.metrics
        .load()
        .catch((err: unknown) => log.error('the metrics could not load', exceptionFields(err)));
      log.info('rocket ready', {
        ...health,
        intraOpThreads: threads,
        batchMax: init.batchMax,
        labels: spec.labelSource,
        gpus: gpus.devices,
        // What the first worker's first run was: a held request's images, or the blank warm-up.
        provenBy: pool.startup?.provenBy,
        // onnxruntime's optimized-model cache: `loaded`, `saved`, or why it was not used.
        optimizedModel: pool.startup?.optimizedModel,
      });
      log.debug('first inference worker start, ms since the process started', { ...pool.startup });
    } catch (err) {
      if (first) await discardWorker(first);
      this.state = { status: 'failed', error: (err as Error).message };
      this.settleServable(err as Error);
      if (this.draining) {
        // The drain closed the pool before its first run ended (SIGTERM during the start): not
        // the rocket's failure. The entry point's drain exits.
        log.info('loading stopped: the server is shutting down');
        throw err;
      }
      // Requests that went on once servable and still wait for a worker are refused as held ones are.
      await this.pool?.close(this.notAccepting().message);
      this.servablePipeline = undefined;
      this.pool = undefined;
      // Logged here once for every entry point, with its stack where Error Reporting reads it.
      log.error('rocket failed to load', {
        code: err instanceof RocketError ? err.code : 'INTERNAL',
        error: (err as Error).message,
        ...exceptionFields(err),
      });
      throw err;
    }
  }
}
