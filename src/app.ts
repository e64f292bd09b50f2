import { type Config, threadPlan } from './config/options.js';
import { ensureDemoRocket } from './demo/embedded.js';
import { RocketError } from './errors.js';
import { InferencePool } from './inference/pool.js';
import { providerCandidates } from './inference/providers.js';
import { probeGpus } from './kernels/native.js';
import type { Logger } from './log.js';
import { RocketPipeline } from './pipeline/pipeline.js';
import { loadRocket } from './rocket/load.js';

/** What /health reports. */
export type Health =
  | { status: 'loading' }
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
 * exposes the pipeline once ready. Entry points (our server, functions-framework, CLI) wrap this.
 */
export class RocketApp {
  private state: Health = { status: 'loading' };
  private loadedPipeline?: RocketPipeline;
  private pool?: InferencePool;
  /** Settles when the rocket is ready to serve, or rejects with the startup error. */
  readonly ready: Promise<void>;

  constructor(
    readonly config: Config,
    readonly log: Logger,
    cwd = process.cwd(),
  ) {
    this.ready = this.load(cwd);
    this.ready.catch(() => {}); // observed through health() and by the entry point
  }

  health(): Health {
    return this.state;
  }

  /** The pipeline, or NOT_READY while loading. */
  pipeline(): RocketPipeline {
    if (!this.loadedPipeline)
      throw new RocketError('NOT_READY', 'The rocket is still loading; retry shortly');
    return this.loadedPipeline;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private async load(cwd: string): Promise<void> {
    const { config, log } = this;
    try {
      const url = config.ROCKET_URL || (await ensureDemoRocket());
      log.info('loading rocket', { rocketUrl: config.ROCKET_URL || '(embedded demo rocket)' });
      const spec = await loadRocket(url, cwd);
      const gpus = probeGpus();
      const { workers, intraOp } = threadPlan(config);
      const init = {
        spec,
        candidates: providerCandidates(config.DEVICE, gpus),
        intraOpThreads: intraOp,
        kernels: config.KERNELS,
      };
      this.pool = await InferencePool.start(init, workers, (reason) =>
        log.warn('DEVICE=auto fell back to the CPU', { reason }),
      );
      this.loadedPipeline = new RocketPipeline(spec, this.pool, config.MAX_PIXELS);
      const device = config.DEVICE.kind === 'cuda' ? `cuda:${config.DEVICE.deviceId}` : config.DEVICE.kind;
      this.state = {
        status: 'ok',
        rocket: {
          name: spec.name,
          version: spec.version,
          task: spec.task,
          source: config.ROCKET_URL || 'embedded:demo',
        },
        device,
        executionProvider: this.pool.provider,
        workers,
      };
      log.info('rocket ready', {
        ...this.state,
        intraOpThreads: intraOp,
        labels: spec.labelSource,
        gpus: gpus.devices,
      });
    } catch (err) {
      this.state = { status: 'failed', error: (err as Error).message };
      throw err;
    }
  }
}
