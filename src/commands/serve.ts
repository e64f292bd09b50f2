import { parseArgs } from 'node:util';
import { RocketApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { applyProcessSettings } from '../process-settings.js';
import { startServer, stopServer } from '../server.js';
import { applyEventLoopPriority } from '../serving/priority.js';
import { startTracing } from '../serving/tracing.js';
import type { Command } from './types.js';

/** `rocket serve`: our own HTTP server around the rocket, until SIGTERM or SIGINT. */
export const serveCommand: Command = {
  summary: 'Serve the rocket named by config.ini / ROCKET_URL over HTTP (POST /process)',
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
    applyProcessSettings();
    const app = new RocketApp(config, log);
    app.tracing = await startTracing(process.env, log);
    const server = await startServer(app);
    log.info('listening', { port: config.PORT, host: config.HOST });
    const stop = async (signal: string) => {
      log.info('shutting down', { signal, graceS: config.SHUTDOWN_GRACE_S });
      const clean = await stopServer(server, app);
      if (clean) log.info('stopped: every admitted request was answered');
      else log.warn('stopped: the grace period ended with requests still running');
      process.exit(0);
    };
    process.once('SIGTERM', (s) => void stop(s));
    process.once('SIGINT', (s) => void stop(s));
    // A rocket that fails to load exits 1, after the requests held meanwhile got 503 NOT_READY.
    await app.ready.catch(async (err: unknown) => {
      await stopServer(server, app);
      throw err;
    });
  },
};
