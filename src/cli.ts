#!/usr/bin/env node
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RocketApp } from './app.js';
import { loadConfig } from './config/load.js';
import { demoScenes, renderDemoScene } from './demo/images.js';
import { writeDemoRocket } from './demo/rocket.js';
import { RocketError } from './errors.js';
import { createLogger } from './log.js';
import { manifestJsonSchema } from './rocket/manifest.js';
import { startServer } from './server.js';

const USAGE = `Usage: rocket <command> [options]

Commands:
  serve             Serve the rocket named by config.ini / ROCKET_URL over HTTP (POST /process)
  demo              Write the embedded demo rocket and demo images it detects into --out
  schema            Print the JSON Schema of rocket.json

Options:
  --config <file>   serve: read this config.ini instead of ./config.ini (or CONFIG_FILE)
  --out <dir>       demo: output directory (default build/demo)
  -h, --help        Show this help
`;

/** Runs `rocket serve`: our own HTTP server around the rocket, until SIGTERM or SIGINT. */
async function serve(configFile: string | undefined): Promise<void> {
  const config = loadConfig({ file: configFile });
  const log = createLogger(config.LOG_LEVEL);
  const app = new RocketApp(config, log);
  const server = await startServer(app);
  log.info('listening', { port: config.PORT, host: config.HOST });
  const stop = (signal: string) => {
    log.info('shutting down', { signal });
    const deadline = setTimeout(() => process.exit(0), 10_000);
    deadline.unref();
    server.close(() => void app.close().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app.ready;
}

/** Writes the demo detector and one JPEG per built-in demo scene. */
async function demo(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const model = await writeDemoRocket(out);
  const images = await Promise.all(
    Object.values(demoScenes).map(async (scene) => {
      const path = join(out, `${scene.name}.jpg`);
      await writeFile(path, await renderDemoScene(scene, { format: 'jpeg', quality: 90 }));
      return path;
    }),
  );
  process.stdout.write(`${[model, ...images].join('\n')}\n`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      out: { type: 'string', default: join('build', 'demo') },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'serve') return serve(values.config);
  if (command === 'demo') return demo(values.out);
  if (command === 'schema') {
    process.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    return;
  }
  throw new Error(`Unknown command "${command}"\n\n${USAGE}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const code = err instanceof RocketError ? `${err.code}: ` : '';
  process.stderr.write(`rocket: ${code}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
