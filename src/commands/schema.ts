import { parseArgs } from 'node:util';
import { manifestJsonSchema } from '../rocket/manifest.js';
import type { Command } from './types.js';

/** `rocket schema`: prints the JSON Schema of rocket.json. */
export const schemaCommand: Command = {
  help: `Usage: rocket schema

Prints the JSON Schema (draft 2020-12) that rocket.json manifests are validated against.
`,
  async run(argv) {
    parseArgs({ args: argv, options: {} });
    process.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
  },
};
