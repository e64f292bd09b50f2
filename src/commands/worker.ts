import { parseArgs } from 'node:util';
import { RocketApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { startJobs } from '../jobs/start.js';
import { createLogger } from '../log.js';
import { applyProcessSettings } from '../process-settings.js';
import type { Command } from './types.js';

/** `rocket worker`: works the job queue without serving HTTP, until SIGTERM or SIGINT. */
export const workerCommand: Command = {
  help: `Usage: rocket worker [--config FILE]

Loads the rocket and processes its jobs from the job store (SQLite in DATA_DIR, or PostgreSQL at
JOB_STORE) with the same worker pool, admission control and configuration as rocket serve, but
serves no HTTP: run it beside a web tier (rocket serve, JOBS=false there if it should only accept
jobs) and scale it on the queue depth. It sends the jobs' webhooks and removes jobs past
JOB_RETENTION_H. On SIGTERM or SIGINT it claims no more jobs, lets running ones finish within
SHUTDOWN_GRACE_S, gives the rest back to the queue, and exits 0.

Options:
  --config <file>   Read this config.ini instead of ./config.ini
  -h, --help        Show this help
`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
    const config = loadConfig({ file: values.config });
    const log = createLogger(config.LOG_LEVEL);
    applyProcessSettings();
    const app = new RocketApp(config, log);
    const stop = async (signal: string) => {
      log.info('shutting down', { signal, graceS: config.SHUTDOWN_GRACE_S });
      const clean = await app.drain(config.SHUTDOWN_GRACE_S * 1000);
      if (clean) log.info('stopped: every running job finished');
      else log.warn('stopped: the grace period ended; the jobs still running went back to the queue');
      process.exit(0);
    };
    process.once('SIGTERM', (s) => void stop(s));
    process.once('SIGINT', (s) => void stop(s));
    await startJobs(app, true).catch(async (err: unknown) => {
      if (app.health().status === 'draining') return; // a load the drain stopped: stop() exits 0
      await app.close();
      throw err;
    });
    // The runner's timers keep the process alive until a signal stops it.
  },
};
