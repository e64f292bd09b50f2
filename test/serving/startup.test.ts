import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { writeDemoRocket } from '../../src/demo/rocket.js';
import { buildConstantDetector } from '../helpers/families.js';
import { json, multipart, postImage } from '../helpers/http.js';
import { ENTRY_POINTS, type EntryPoint, freePort } from '../helpers/server.js';
import { hasShared, shared } from '../helpers/shared.js';
import { writeSlowColourRocket } from '../helpers/slow-models.js';

const ENTRIES = Object.keys(ENTRY_POINTS) as EntryPoint[];

let scene: Buffer;
let model: Buffer;
/** A rocket whose every run takes a while (the warm-up included). */
const slowRocket = writeSlowColourRocket(8);
beforeAll(async () => {
  scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
  model = readFileSync(await writeDemoRocket(mkdtempSync(join(tmpdir(), 'startup-rocket-'))));
});

/**
 * A remote rocket whose download is held until the test answers it: `answer(200)` sends the demo
 * detector (or `rocketBytes`), any other status fails the load. `requested` settles when the server asks for it.
 */
async function heldRocket(rocketBytes?: Uint8Array) {
  let answer: (status: number) => void = () => {};
  const answered = new Promise<number>((resolve) => (answer = resolve));
  let requested: () => void = () => {};
  const asked = new Promise<void>((resolve) => (requested = resolve));
  const server: Server = createServer((_req, res) => {
    requested();
    void answered.then((status) =>
      status === 200 ? res.end(rocketBytes ?? model) : res.writeHead(status).end('no rocket here'),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/demo-detector.onnx`, asked, answer, server };
}

const running: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const proc of running.splice(0)) if (proc.exitCode === null) proc.kill('SIGKILL');
  for (const server of servers.splice(0)) server.close();
});

/**
 * Spawns `entry` on `port` with a job store of its own and `env` (the test's environment, not this
 * process's); it is killed after the test if still running.
 */
function spawnOnPort(
  port: number,
  env: Record<string, string>,
  stdio: StdioOptions,
  entry: EntryPoint = 'npm start server',
) {
  const { args, env: entryEnv } = ENTRY_POINTS[entry](port);
  const proc = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'startup-jobs-')),
      ...entryEnv,
      ...env,
    },
    stdio,
  });
  running.push(proc);
  return proc;
}

/**
 * Starts `rocket serve` (or the functions-framework target) on a rocket held by `heldRocket()`
 * (the demo detector, or `rocketBytes`) and returns once it listens and has asked for the rocket:
 * the rocket is loading from then on. `logged()` is the server's standard output so far.
 */
async function coldServer(
  env: Record<string, string>,
  entry: EntryPoint = 'npm start server',
  rocketBytes?: Uint8Array,
) {
  const rocket = await heldRocket(rocketBytes);
  servers.push(rocket.server);
  const port = await freePort();
  const proc = spawnOnPort(
    port,
    {
      WORKERS: '1',
      ROCKET_URL: rocket.url,
      CACHE_DIR: mkdtempSync(join(tmpdir(), 'startup-cache-')),
      ...env,
    },
    ['ignore', 'pipe', 'ignore'],
    entry,
  );
  let log = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/livez`).catch(() => undefined))?.ok) {
    if (proc.exitCode !== null) throw new Error(`rocket serve exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await rocket.asked;
  return { url, answer: rocket.answer, proc, logged: () => log };
}

/** A request's outcome, and how many milliseconds it took. */
async function timed(request: Promise<Response>) {
  const started = Date.now();
  const res = await request;
  const body = await json(res);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body, ms: Date.now() - started };
}

describe('requests during a cold start', () => {
  it('holds /process until the rocket is ready, while the probes answer at once', async () => {
    const { url, answer } = await coldServer({});
    const early = timed(postImage(url, scene));
    // The probes do not wait: alive, not ready.
    const livez = await timed(fetch(`${url}/livez`));
    expect(livez).toMatchObject({ status: 200, body: { status: 'alive' } });
    expect(livez.ms).toBeLessThan(2000);
    expect((await timed(fetch(`${url}/readyz`))).status).toBe(503);
    expect((await timed(fetch(`${url}/health`))).body).toEqual({ status: 'loading' });
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    answer(200);
    const served = await early;
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.detections).toHaveLength(3);
  }, 60_000);

  it("runs the held request as the first worker's proof, in place of the warm-up run", async () => {
    const { url, answer, logged } = await coldServer({});
    const early = timed(postImage(url, scene));
    answer(200);
    const served = await early;
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.detections).toHaveLength(3);
    while (!logged().includes('"rocket ready"')) await new Promise((r) => setTimeout(r, 20));
    const ready = logged()
      .split('\n')
      .map((line) => JSON.parse(line || '{}'))
      .find((entry) => entry.message === 'rocket ready');
    expect(ready.provenBy).toBe('request');
    // With no request waiting, the next start warms up on a blank image: see the pool's tests.
  }, 60_000);

  it('answers a held request whose outputs cannot be right with OUTPUT_INVALID, then fails the load', async () => {
    // A YOLOv8-layout detector whose one box has a class score of 4.6, for every image.
    const rows = [[32, 32, 20, 20, 1, 4.6, 0], ...Array.from({ length: 50 }, () => [0, 0, 0, 0, 0, 0, 0])];
    const bytes = buildConstantDetector('v8', { width: 64, height: 64 }, rows, ['cat', 'dog']);
    const { url, answer, proc, logged } = await coldServer({}, 'npm start server', bytes);
    const held = timed(postImage(url, scene));
    const exited = once(proc, 'exit');
    answer(200);
    const refused = await held;
    expect(refused.status).toBe(500);
    expect(refused.body.detections).toBeUndefined();
    expect(refused.body.error.code).toBe('OUTPUT_INVALID');
    expect(refused.body.error.message).toMatch(/confidence of 4\.(6|59999)/);
    // The warm-up then sees the same on a blank image: the rocket fails to load.
    expect((await exited)[0]).toBe(1);
    expect(logged()).toContain('rocket failed to load');
  }, 60_000);

  it('exits 0 on SIGTERM while the first worker waits for the request on its way', async () => {
    const { url, answer, proc, logged } = await coldServer({
      LOG_LEVEL: 'debug',
      SHUTDOWN_GRACE_S: '1',
    });
    // Admitted, half uploaded: the first worker waits for it to be its first run.
    const { body, contentType } = multipart([{ name: 'input', filename: 's.jpg', data: scene }]);
    const { port } = new URL(url);
    const upload = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/process',
      headers: { 'content-type': contentType, 'content-length': body.length },
    });
    upload.on('error', () => {});
    upload.write(body.subarray(0, body.length >> 1));
    answer(200);
    while (!logged().includes('"rocket spec read"')) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(logged()).not.toContain('rocket failed to load');
    upload.destroy();
  }, 60_000);

  it.each([0, 300])(
    'exits 0 on SIGTERM at any point of the start (%i ms after listening, a slow warm-up)',
    async (delayMs) => {
      const port = await freePort();
      const proc = spawnOnPort(port, { ROCKET_URL: slowRocket, SHUTDOWN_GRACE_S: '1' }, 'ignore');
      const exited = once(proc, 'exit');
      while (!(await fetch(`http://127.0.0.1:${port}/livez`).catch(() => undefined))?.ok) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, delayMs));
      proc.kill('SIGTERM');
      // A worker stopped while onnxruntime creates its session or runs aborts the process (SIGABRT).
      expect(await exited).toEqual([0, null]);
    },
    60_000,
  );

  it('exits 1 with PORT_UNAVAILABLE when another process has its port, having stopped the load first', async () => {
    const taken = createServer();
    servers.push(taken);
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    const proc = spawnOnPort(
      port,
      // YOLOv8n's session is still being created when the listen fails.
      { ROCKET_URL: hasShared ? shared('models', 'detection', 'yolov8n_int8_640.onnx') : slowRocket },
      ['ignore', 'ignore', 'pipe'],
    );
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Exiting while the first worker creates its session aborts the process (SIGABRT).
    expect(await once(proc, 'exit')).toEqual([1, null]);
    expect(stderr).toContain(
      `rocket: PORT_UNAVAILABLE: cannot listen on port ${port} at 127.0.0.1 (EADDRINUSE)`,
    );
    expect(stderr).toContain('set PORT to a free port');
  }, 60_000);

  it('answers 503 NOT_READY with Retry-After once STARTUP_WAIT_S has passed', async () => {
    const { url, answer } = await coldServer({ STARTUP_WAIT_S: '1' });
    const refused = await timed(postImage(url, scene));
    expect(refused).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'NOT_READY' } } });
    // The wait is STARTUP_WAIT_S, give or take scheduling (generous bounds).
    expect(refused.ms).toBeGreaterThanOrEqual(900);
    expect(refused.ms).toBeLessThan(10_000);
    answer(200);
  }, 60_000);

  it('counts held requests against the queue, and frees the place of a client that went away', async () => {
    const { url, answer } = await coldServer({ MAX_INFLIGHT: '1', MAX_QUEUE: '0' });
    const queueDepth = async () =>
      Number(/^rocket_queue_depth (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    const until = async (depth: number) => {
      while ((await queueDepth()) !== depth) await new Promise((r) => setTimeout(r, 20));
    };
    const client = new AbortController();
    const { body, contentType } = multipart([{ name: 'input', filename: 's.jpg', data: scene }]);
    const gone = fetch(`${url}/process`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      signal: client.signal,
    }).catch(() => 'aborted');
    await until(1);
    // The one place is held: the next request is refused at once, not held too.
    const refused = await timed(postImage(url, scene));
    expect(refused).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'OVERLOADED' } } });
    client.abort();
    expect(await gone).toBe('aborted');
    await until(0);
    const later = timed(postImage(url, scene));
    await until(1);
    answer(200);
    expect((await later).status).toBe(200);
  }, 60_000);

  it.each(ENTRIES)(
    '%s: answers 503 NOT_READY as soon as the rocket fails to load, not after STARTUP_WAIT_S',
    async (entry) => {
      const { url, answer, proc } = await coldServer({ STARTUP_WAIT_S: '120' }, entry);
      const held = timed(postImage(url, scene));
      const pending = new Promise((r) => setTimeout(() => r('pending'), 300));
      expect(await Promise.race([held, pending])).toBe('pending');
      const exited = once(proc, 'exit');
      answer(404);
      const refused = await held;
      expect(refused).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'NOT_READY' } } });
      expect(refused.ms).toBeLessThan(60_000);
      // The server then exits, so that the platform restarts it or reports the failure.
      expect((await exited)[0]).toBe(1);
    },
    60_000,
  );
});
