import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');

/** A server process under test. */
export interface RunningServer {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The two ways rocketserve is served: its own server (`npm start`) and functions-framework. */
export const ENTRY_POINTS = {
  'npm start server': (port: number) => ({
    args: [join(ROOT, 'dist', 'bundle', 'cli.js'), 'serve'],
    env: { PORT: String(port), HOST: '127.0.0.1' },
  }),
  'functions-framework': (port: number) => ({
    args: [
      join(ROOT, 'node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js'),
      '--target=process',
    ],
    env: { PORT: String(port) },
  }),
} as const;

export type EntryPoint = keyof typeof ENTRY_POINTS;

/**
 * Spawns an entry point on a free port (node started with `nodeArgs`), collecting its output.
 * Unless `env` names a DATA_DIR, it gets a job store of its own in a temporary folder, removed when
 * it exits, so parallel tests never share one.
 */
async function spawnEntry(
  entry: EntryPoint,
  env: Record<string, string>,
  cwd: string,
  nodeArgs: readonly string[] = [],
) {
  const port = await freePort();
  const { args, env: entryEnv } = ENTRY_POINTS[entry](port);
  const dataDir = env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'rocket-jobs-'));
  const proc = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      ...entryEnv,
      ...(process.env.CACHE_DIR && { CACHE_DIR: process.env.CACHE_DIR }), // the run's (global-setup.ts)
      ...(dataDir && { DATA_DIR: dataDir }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (dataDir) proc.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  return { proc, url: `http://127.0.0.1:${port}`, output: () => output };
}

/**
 * Starts an entry point as a child process (one worker, so tests stay light on 2 cores) and waits
 * until /health answers 200. Rejects with the process output if it exits first.
 */
export async function startServer(
  entry: EntryPoint,
  env: Record<string, string> = {},
  cwd = ROOT,
  nodeArgs: readonly string[] = [],
): Promise<RunningServer> {
  const { proc, url, output } = await spawnEntry(entry, { WORKERS: '1', ...env }, cwd, nodeArgs);
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (code) => reject(new Error(`server exited with code ${code}:\n${output()}`))),
  );
  // Polls until /health answers, or the process is gone (then `exited` has already rejected).
  const ready = (async () => {
    while (proc.exitCode === null && proc.signalCode === null) {
      const res = await fetch(`${url}/health`).catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await Promise.race([ready, exited]);
  return {
    url,
    proc,
    output,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      // Our server exits within SHUTDOWN_GRACE_S (8 s); one still running long after is killed,
      // and the error holds what it printed.
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          proc.kill('SIGKILL');
          reject(new Error(`still running 30 s after SIGTERM; its output:\n${output()}`));
        }, 30_000);
      });
      await Promise.race([done, hung]).finally(() => clearTimeout(timer));
    },
  };
}

type Env = Record<string, string>;

/**
 * Starts an entry point before the enclosing describe's tests and stops it after them (a beforeAll
 * and an afterAll, registered where this is called). `env` may be a function, called in the
 * beforeAll, for environments that write files (e.g. writeColourRocket()). Returns a getter for the
 * running server.
 */
export function useServer(
  entry: EntryPoint,
  env: Env | (() => Env | Promise<Env>) = {},
  timeoutMs?: number,
): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer(entry, typeof env === 'function' ? await env() : env);
  }, timeoutMs);
  afterAll(() => server?.stop());
  return () => {
    if (!server)
      throw new Error(`the ${entry} server is not running: it starts in this describe's beforeAll`);
    return server;
  };
}

/**
 * Runs an entry point expected to fail at startup; resolves with its exit code and output. One
 * still running after `timeoutMs` is killed, and the error holds what it printed, so that a hang
 * says where it stopped.
 */
export async function failedStartup(
  entry: EntryPoint,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const { proc, output } = await spawnEntry(entry, { LOG_LEVEL: 'debug', ...env }, ROOT);
  let timer: NodeJS.Timeout | undefined;
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.once('exit', resolve);
    timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`still running after ${timeoutMs / 1000} s; its output:\n${output()}`));
    }, timeoutMs);
  }).finally(() => clearTimeout(timer));
  return { code, output: output() };
}
