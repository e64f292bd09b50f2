#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import type { CommandEntry } from './commands/types.js';
import { isParseArgsError, UsageError } from './commands/usage.js';
import { RocketError } from './errors.js';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: rocket <command> [options]\n       rocket --version\n\nCommands:\n${lines.join('\n')}\n\nRun rocket <command> --help for a command's options.\n`;
}

/**
 * The `rocket` CLI: dispatches to one command; every command answers --help. Exit status: 0 done,
 * 1 failed (or, for doctor and inspect, found that the device or model cannot run), 2 usage error.
 */
async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  if (name === '--version') return (await (COMMANDS.version as CommandEntry).load()).run([]);
  if (!name) throw new UsageError('Expected a command', usage());
  const entry = COMMANDS[name];
  if (!entry) throw new UsageError(`Unknown command "${name}"`, usage());
  const help = rest.includes('--help') || rest.includes('-h');
  if (!help) entry.early?.();
  const command = await entry.load();
  if (help) {
    process.stdout.write(command.help);
    return;
  }
  try {
    await command.run(rest);
  } catch (err) {
    throw isParseArgsError(err) ? new UsageError(err.message, command.help) : err;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`rocket: ${err.message}\n\n${err.usage}`);
    process.exit(2);
  }
  const code = err instanceof RocketError ? `${err.code}: ` : '';
  process.stderr.write(`rocket: ${code}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
