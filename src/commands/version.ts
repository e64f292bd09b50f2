import { parseArgs } from 'node:util';
import { packageVersion } from '../package.js';
import type { Command } from './types.js';

/** `rocket version` (also `rocket --version`): prints rocketserve's version from package.json. */
export const versionCommand: Command = {
  help: `Usage: rocket version

Prints rocketserve's version (from its package.json) on one line, e.g. 0.1.0.
rocket --version does the same.
`,
  async run(argv) {
    parseArgs({ args: argv, options: {} });
    process.stdout.write(`${packageVersion()}\n`);
  },
};
