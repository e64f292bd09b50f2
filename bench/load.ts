import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { EventLoopPriority } from '../src/config/options.js';
import { percentile } from './floor.js';
import { probeHealth } from './health.js';

export interface LoadResult {
  concurrency: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  throughputRps: number;
  non2xx: number;
  errors: number;
  /** Latency of GET /health probes sent every 20 ms during this load, in ms. */
  healthP50Ms: number;
  healthP99Ms: number;
  /** Whether the prober ran at real-time priority (asked for, and permitted). */
  probeRealtime: boolean;
}

/** Spawns `rocket serve` as a child process on `port`, without waiting for it. */
export function spawnServer(root: string, env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, [join(root, 'dist', 'bundle', 'cli.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Starts `rocket serve` as a child process on `port` and waits for /health to answer 200. */
export async function startServer(
  root: string,
  env: Record<string, string>,
  port: number,
): Promise<ChildProcess> {
  const proc = spawnServer(root, env, port);
  await waitHealthy(proc, port);
  return proc;
}

/**
 * Waits until GET /health on `port` answers 200; throws if `proc` exits first or `timeoutMs`
 * passes (then it kills `proc`).
 */
export async function waitHealthy(proc: ChildProcess, port: number, timeoutMs = Infinity): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`exited with ${proc.exitCode !== null ? `code ${proc.exitCode}` : proc.signalCode}`);
    }
    const status = await probeHealth(port).catch(() => 0);
    if (status === 200) return;
    if (performance.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`GET /health did not answer 200 within ${(timeoutMs / 1000).toFixed(0)} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends SIGTERM and waits for the process to exit (SIGKILL after 10 s), so the next load starts on idle cores. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export const MULTIPART_BOUNDARY = 'rocketbench';

/** A multipart/form-data body with `imagePath` in the field `input`, as POST /process takes it. */
export function multipartBody(imagePath: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="input"; filename="image.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    readFileSync(imagePath),
    Buffer.from(`\r\n--${MULTIPART_BOUNDARY}--\r\n`),
  ]);
}

/** Drives POST /process with `image` at `concurrency` for `seconds`, probing /health meanwhile. */
export async function measureLoad(
  port: number,
  imagePath: string,
  concurrency: number,
  seconds: number,
  /** How the health prober is scheduled: `realtime` stands in for a probe from outside the machine. */
  probePriority: EventLoopPriority,
): Promise<LoadResult> {
  const boundary = MULTIPART_BOUNDARY;
  const body = multipartBody(imagePath);
  const prober = spawn(
    process.execPath,
    [join(import.meta.dirname, 'prober.js'), String(port), probePriority],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let probed = '';
  prober.stdout?.on('data', (d) => (probed += d));
  const proberDone = new Promise((r) => prober.once('exit', r));
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/process`,
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    connections: concurrency,
    duration: seconds,
  });
  prober.kill('SIGTERM');
  await proberDone;
  const probes = JSON.parse(probed) as { realtime: boolean; latencies: number[] };
  return {
    concurrency,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    throughputRps: result.requests.total / seconds,
    non2xx: result.non2xx,
    errors: result.errors,
    healthP50Ms: percentile(probes.latencies, 50),
    healthP99Ms: percentile(probes.latencies, 99),
    probeRealtime: probes.realtime,
  };
}

/** Peak resident set size of a process so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}
