import { parseArgs } from 'node:util';
import { RocketApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { OpeningJobQueue } from '../jobs/opening-queue.js';
import { createLogger, type Logger } from '../log.js';
import { applyEventLoopPriority } from '../serving/priority.js';
import { startTracing } from '../serving/tracing.js';
import type { Command } from './types.js';

/** `rocket serve`: our own HTTP server around the rocket, until SIGTERM or SIGINT. */
export const serveCommand: Command = {
  help: `Usage: rocket serve [--config FILE]

Serves the rocket over HTTP until SIGTERM or SIGINT. Configuration comes from ./config.ini
(or --config / CONFIG_FILE) and environment variables of the same names; see config-example.ini.

Options:
  --config <file>   Read this config.ini instead of ./config.ini
  -h, --help        Show this help
`,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
    const config = loadConfig({ file: values.config });
    const log = createLogger(config.LOG_LEVEL);
    // First, so every request is served at this priority (threads started later reset to normal).
    log.info('event loop priority', { ...applyEventLoopPriority(config.EVENT_LOOP_PRIORITY) });
    // The app starts loading the rocket at once: its first worker opens the model while the
    // modules of the HTTP server and the image decoder load here (the cold start is their overlap).
    const app = new RocketApp(config, log);
    // From now on a signal drains and exits 0; before the server listens, the drain stops the load
    // (RocketApp.close()).
    let stopListening: (() => Promise<boolean>) | undefined;
    const stop = async (signal: string) => {
      log.info('shutting down', { signal, graceS: config.SHUTDOWN_GRACE_S });
      const clean = await (stopListening?.() ?? app.drain(config.SHUTDOWN_GRACE_S * 1000));
      if (clean) log.info('stopped: every admitted request was answered');
      else log.warn('stopped: the grace period ended with requests still running');
      process.exit(0);
    };
    process.once('SIGTERM', (s) => void stop(s));
    process.once('SIGINT', (s) => void stop(s));
    const { server, stopServer } = await listen(app, log).catch(async (err: unknown) => {
      // PORT_UNAVAILABLE, or tracing that cannot start: the load under way stops first (exiting
      // while a worker creates its session aborts the process), then `rocket` exits 1.
      await app.drain(0);
      throw err;
    });
    stopListening = () => stopServer(server, app);
    log.info('listening', { port: config.PORT, host: config.HOST });
    // The job queue opens once the rocket is ready: neither it nor its modules delay the cold
    // start; job requests wait for it meanwhile.
    const jobs = app.ready.then(async () => (await import('../jobs/start.js')).startJobs(app, config.JOBS));
    app.jobs = new OpeningJobQueue(jobs, config.STARTUP_WAIT_S * 1000);
    // A rocket that fails to load, or a job store that cannot be opened, exits 1, after the
    // requests held meanwhile got 503 NOT_READY; a load the drain stopped exits 0, by stop().
    await jobs.catch(async (err: unknown) => {
      if (app.health().status === 'draining') return;
      await stopServer(server, app);
      throw err;
    });
  },
};

/** Applies the process settings, starts tracing when asked, and listens (PORT_UNAVAILABLE when it cannot). */
async function listen(app: RocketApp, log: Logger) {
  const [{ applyProcessSettings }, { startServer, stopServer }] = await Promise.all([
    import('../process-settings.js'),
    import('../server.js'),
  ]);
  applyProcessSettings();
  app.tracing = await startTracing(process.env, log);
  return { server: await startServer(app), stopServer };
}
