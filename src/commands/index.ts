import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { inspectCommand } from './inspect.js';
import { packCommand } from './pack.js';
import { predictCommand } from './predict.js';
import { schemaCommand } from './schema.js';
import { serveCommand } from './serve.js';
import type { Command } from './types.js';
import { versionCommand } from './version.js';

/** Every `rocket` command, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  demo: demoCommand,
  schema: schemaCommand,
  predict: predictCommand,
  inspect: inspectCommand,
  pack: packCommand,
  doctor: doctorCommand,
  version: versionCommand,
};
