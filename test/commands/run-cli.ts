import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/server.js';

/** What one `rocket` run printed and how it exited. */
interface CliRun {
  /** The process id it ran as. */
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`dist/bundle/cli.js`; `npm run build:ts` first) in an empty working directory,
 * so no stray config.ini applies, with only PATH and `env` in its environment.
 */
export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliRun> {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), 'rocket-cli-'));
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'bundle', 'cli.js'), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', CACHE_DIR: join(dir, '.cache'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    proc.once('close', (code) => resolve({ pid: proc.pid as number, code, stdout, stderr })),
  );
}
