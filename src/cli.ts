#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { RocketError } from './errors.js';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: rocket <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun rocket <command> --help for a command's options.\n`;
}

/** The `rocket` CLI: dispatches to one command; every command answers --help. */
async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new Error(`Unknown command "${name}"\n\n${usage()}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return;
  }
  await command.run(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const code = err instanceof RocketError ? `${err.code}: ` : '';
  process.stderr.write(`rocket: ${code}${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
