import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';
import { runCli } from './run-cli.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

describe('rocket --version', () => {
  it.each([['--version'], ['version']])('rocket %s prints the package version', async (arg) => {
    const run = await runCli([arg]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  });

  it('rocket --help lists the version command', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rocket --version');
    expect(run.stdout).toMatch(/^ {2}version +Print the rocketserve version/m);
  });
});

describe('usage errors exit 2, with the usage on stderr', () => {
  it.each([
    ['no command', [], 'Expected a command', 'Usage: rocket <command>'],
    ['an unknown command', ['serv'], 'Unknown command "serv"', 'Usage: rocket <command>'],
    [
      'an option before the command',
      ['--json', 'doctor'],
      'Unknown command "--json"',
      'Usage: rocket <command>',
    ],
    ['an unknown option', ['doctor', '--jsn'], "Unknown option '--jsn'", 'Usage: rocket doctor '],
    [
      'an option without its value',
      ['inspect', 'm.onnx', '--config'],
      "'--config <value>' argument missing",
      'Usage: rocket inspect ',
    ],
    ['a missing argument', ['inspect'], 'Expected one model or rocket', 'Usage: rocket inspect '],
    ['a missing image', ['predict'], 'Expected one image', 'Usage: rocket predict '],
    ['an extra argument', ['pack', 'a', 'b'], 'Expected one rocket directory', 'Usage: rocket pack '],
    [
      'an argument a command does not take',
      ['schema', 'x'],
      "Unexpected argument 'x'",
      'Usage: rocket schema',
    ],
    ['an argument to version', ['version', 'x'], "Unexpected argument 'x'", 'Usage: rocket version'],
  ])('%s', async (_, args, message, usage) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^rocket: /);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(usage);
  });

  it('a failure that is not a usage error still exits 1, without the usage', async () => {
    const run = await runCli(['inspect', 'absent.onnx']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('Usage:');
  });
});
