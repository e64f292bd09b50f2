import { demoCommand } from './demo.js';
import { schemaCommand } from './schema.js';
import { serveCommand } from './serve.js';
import type { Command } from './types.js';

/** Every `rocket` command, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  demo: demoCommand,
  schema: schemaCommand,
};
