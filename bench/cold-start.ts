import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { MULTIPART_BOUNDARY, multipartBody, stopProcess } from './load.js';

/** One cold start: from spawning the process to its readiness, and to its first answered POST /process. */
export interface ColdStart {
  readyMs: number;
  firstAnswerMs: number;
}

/** The medians over several fresh processes, and every run. */
export interface ColdStartResult {
  readyMs: number;
  firstAnswerMs: number;
  runs: ColdStart[];
}

/** How often a not-yet-listening server is tried again, in ms: the resolution of the measurement. */
const RETRY_MS = 5;

/** Resolves with the status of one request to 127.0.0.1:port, or 0 when it cannot connect. */
function send(port: number, method: string, path: string, body?: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = body
      ? {
          'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
          'content-length': body.length,
        }
      : {};
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Milliseconds from `since` until `path` answers 200, retrying every RETRY_MS; rejects when `proc` exits. */
async function until200(
  proc: ChildProcess,
  since: number,
  port: number,
  method: string,
  path: string,
  body?: Buffer,
): Promise<number> {
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error('the server exited while starting');
    if ((await send(port, method, path, body)) === 200) return performance.now() - since;
    if (performance.now() - since > 120_000)
      throw new Error(`${method} ${path} did not answer 200 within 120 s`);
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

/**
 * Starts a fresh server `runs` times (`start` spawns it on `port`), each time measuring from the
 * spawn to the first 200 of `readyPath`, and to the first POST /process with `imagePath` answered
 * 200, probing both from the moment of the spawn. A server that holds requests while it loads
 * answers the first one as soon as it can; one that listens only once loaded is retried every
 * RETRY_MS. Each server is stopped before the next starts. Returns the medians and every run.
 */
export async function measureColdStart(
  start: () => ChildProcess,
  port: number,
  imagePath: string,
  readyPath: string,
  runs = 5,
): Promise<ColdStartResult> {
  const body = multipartBody(imagePath);
  const all: ColdStart[] = [];
  for (let i = 0; i < runs; i++) {
    const since = performance.now();
    const proc = start();
    try {
      const [readyMs, firstAnswerMs] = await Promise.all([
        until200(proc, since, port, 'GET', readyPath),
        until200(proc, since, port, 'POST', '/process', body),
      ]);
      all.push({ readyMs, firstAnswerMs });
    } finally {
      await stopProcess(proc);
    }
  }
  const median = (key: keyof ColdStart) => {
    const sorted = all.map((r) => r[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  return { readyMs: median('readyMs'), firstAnswerMs: median('firstAnswerMs'), runs: all };
}
