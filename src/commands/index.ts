import { beginColdStart } from '../cold-start.js';
import type { CommandEntry } from './types.js';

/** Every `rocket` command, by name; each module is imported only when its command runs. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: {
    summary: 'Serve the rocket named by config.ini / ROCKET_URL over HTTP (POST /process)',
    load: async () => (await import('./serve.js')).serveCommand,
    early: beginColdStart,
  },
  worker: {
    summary: 'Process the job queue (POST /jobs) without serving HTTP, until SIGTERM',
    load: async () => (await import('./worker.js')).workerCommand,
    early: beginColdStart,
  },
  demo: {
    summary: 'Write the embedded demo rocket and demo images it detects',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  schema: {
    summary: 'Print the JSON Schema of rocket.json',
    load: async () => (await import('./schema.js')).schemaCommand,
  },
  predict: {
    summary: 'Run the rocket on one image: print the JSON, or write the image with boxes (--out)',
    load: async () => (await import('./predict.js')).predictCommand,
    early: beginColdStart,
  },
  batch: {
    summary: 'Run a folder, glob, bucket or list of inputs through the rocket into JSON Lines, sharded',
    load: async () => (await import('./batch.js')).batchCommand,
    early: beginColdStart,
  },
  inspect: {
    summary: 'Show a model’s inputs, outputs and metadata, and the task and preprocessing inferred',
    load: async () => (await import('./inspect.js')).inspectCommand,
  },
  pack: {
    summary: 'Validate a rocket directory and write rocket.tar.gz plus its .sha256 for a registry',
    load: async () => (await import('./pack.js')).packCommand,
  },
  doctor: {
    summary: 'Show the CPU, memory, GPUs and CUDA libraries, and whether DEVICE=cuda would work',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  version: {
    summary: 'Print the rocketserve version (also rocket --version)',
    load: async () => (await import('./version.js')).versionCommand,
  },
};
