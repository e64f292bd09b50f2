import { type Config, threadPlan } from './config/options.js';
import { ensureDemoRocket } from './demo/embedded.js';
import { RocketError } from './errors.js';
import { InferencePool } from './inference/pool.js';
import { providerCandidates } from './inference/providers.js';
import { probeGpus } from './kernels/native.js';
import { exceptionFields, type Logger } from './log.js';
import { RocketPipeline } from './pipeline/pipeline.js';
import { loadRocket } from './rocket/load.js';
import { redactUrl } from './rocket/redact.js';
import { Admission } from './serving/admission.js';
import { Cors } from './serving/cors.js';
import { GcpProject } from './serving/gcp-project.js';
import { Metrics } from './serving/metrics.js';
import { settleWithin } from './serving/startup-wait.js';
import type { Tracing } from './serving/tracing.js';

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
 * One served rocket: loads it (resolve → spec → worker pool with warm-up) in the background and
 * exposes the pipeline once ready, with the admission control, metrics and CORS policy every
 * entry point shares. Entry points (our server, functions-framework, CLI, Lambda) wrap this; it
 * changes no process-wide setting: they apply those first, with applyProcessSettings().
 */
export class RocketApp {
  private state: Health = { status: 'loading' };
  private loaded?: { pipeline: RocketPipeline; pool: InferencePool };
  private draining = false;
  /** Aborts when the drain starts, releasing the requests held while the rocket loads. */
  private readonly drainStarted = new AbortController();
  /** Settles when the rocket is ready to serve, or rejects with the startup error. */
  readonly ready: Promise<void>;
  readonly admission: Admission;
  readonly metrics: Metrics;
  readonly cors: Cors;
  /** OpenTelemetry tracing, when the OTEL_* variables turn it on; set by the entry point (startTracing()). */
  tracing?: Tracing;
  /** The Google Cloud project request logs link traces to, when known. */
  readonly project: GcpProject;
  /** Worker threads and intra-op threads per worker, resolved once from the config and CPU count. */
  private readonly plan: { workers: number; intraOp: number };

  constructor(
    readonly config: Config,
    readonly log: Logger,
    cwd = process.cwd(),
  ) {
    this.plan = threadPlan(config);
    this.admission = new Admission(
      config.MAX_INFLIGHT || 2 * this.plan.workers * config.BATCH_MAX,
      config.MAX_QUEUE,
      config.MAX_INFLIGHT_PER_CLIENT,
    );
    this.metrics = new Metrics(() => ({
      queued: this.admission.queued,
      inflight: this.admission.inflight,
      workersBusy: this.loaded?.pool.busy ?? 0,
      workers: this.loaded?.pool.size ?? 0,
    }));
    this.cors = new Cors(config.CORS_ORIGINS);
    this.project = new GcpProject(config.GOOGLE_CLOUD_PROJECT, config.GCE_METADATA_HOST, log);
    this.ready = this.load(cwd);
    this.ready.catch(() => {}); // observed through health() and by the entry point
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
    if (!this.loaded) throw new RocketError('NOT_READY', 'The rocket is still loading; retry shortly');
    return this.loaded.pipeline;
  }

  /** Throws NOT_READY unless new work may be admitted: loaded, and not draining. */
  assertAcceptingWork(): void {
    if (this.draining)
      throw new RocketError('NOT_READY', 'The server is shutting down; retry on another instance');
    if (this.state.status === 'failed')
      throw new RocketError('NOT_READY', 'The rocket failed to load; see the server log');
    this.pipeline();
  }

  /**
   * Like {@link assertAcceptingWork}, but while the rocket is still loading it first holds the
   * request (a cold start) until the rocket is ready, fails to load or the drain starts, for at
   * most `waitMs`. Throws NOT_READY (503, Retry-After) when work still may not be admitted then,
   * or when `signal` aborts first (the client went away).
   */
  async awaitAcceptingWork(waitMs: number, signal: AbortSignal): Promise<void> {
    if (this.state.status === 'loading' && !this.draining) {
      await settleWithin(this.ready, waitMs, [signal, this.drainStarted.signal]);
      if (signal.aborted)
        throw new RocketError('NOT_READY', 'The client went away while the rocket was loading');
    }
    this.assertAcceptingWork();
  }

  /**
   * Stops taking new work (readiness turns off), waits until every admitted request has been
   * answered or `graceMs` passes, then stops the workers. Resolves true when nothing was cut off.
   */
  async drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    this.drainStarted.abort();
    const deadline = Date.now() + graceMs;
    while (!this.admission.idle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const clean = this.admission.idle;
    await this.close();
    return clean;
  }

  /** Stops the workers, then exports the spans still buffered (when tracing is on). */
  async close(): Promise<void> {
    await this.loaded?.pool.close();
    await this.tracing?.shutdown();
  }

  private async load(cwd: string): Promise<void> {
    const { config, log } = this;
    try {
      const url = config.ROCKET_URL || (await ensureDemoRocket());
      log.info('loading rocket', { rocketUrl: redactUrl(config.ROCKET_URL) || '(embedded demo rocket)' });
      const spec = await loadRocket(url, cwd, config);
      for (const warning of spec.warnings) log.warn(warning, { rocket: spec.name });
      const gpus = probeGpus();
      const { workers, intraOp } = this.plan;
      const init = {
        spec,
        candidates: providerCandidates(config.DEVICE, gpus),
        intraOpThreads: intraOp,
        kernels: config.KERNELS,
        batchMax: spec.dynamicBatch ? config.BATCH_MAX : 1,
        nice: config.INFERENCE_NICE,
      };
      const pool = await InferencePool.start(init, workers, {
        batchWaitMs: config.BATCH_WAIT_MS,
        onFallback: (reason) => log.warn('DEVICE=auto fell back to the CPU', { reason }),
        onBatch: (size, timing) => this.metrics.observeRun(size, timing),
        onFailure: (code) => this.metrics.inferenceFailures.inc({ code }),
      });
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
        workers,
      };
      this.loaded = { pipeline: new RocketPipeline(spec, pool, config.MAX_PIXELS, config.ALLOW_SVG), pool };
      this.state = health;
      this.metrics.info.set(
        {
          rocket: spec.name,
          version: spec.version,
          task: spec.task,
          device,
          execution_provider: pool.provider,
        },
        1,
      );
      log.info('rocket ready', {
        ...health,
        intraOpThreads: intraOp,
        batchMax: init.batchMax,
        labels: spec.labelSource,
        gpus: gpus.devices,
      });
    } catch (err) {
      this.state = { status: 'failed', error: (err as Error).message };
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
