import { once } from 'node:events';
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { multipart } from '../helpers/http.js';
import { type RunningServer, startServer } from '../helpers/server.js';

/** Cloud Run sends SIGKILL this long after SIGTERM. */
const CLOUD_RUN_KILL_MS = 10_000;

let upload: { body: Buffer; contentType: string };
beforeAll(async () => {
  const scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
  upload = multipart([{ name: 'input', filename: 'shapes.jpg', data: scene, type: 'image/jpeg' }]);
});

/** A POST /process whose body is only half sent: it holds its admitted place until `finish()`. */
function halfSent(server: RunningServer, agent: Agent | false) {
  const { port } = new URL(server.url);
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/process',
    method: 'POST',
    agent,
    headers: { 'content-type': upload.contentType, 'content-length': upload.body.length },
  });
  const response = once(req, 'response') as Promise<[IncomingMessage]>;
  response.catch(() => undefined); // a request cut off by the shutdown is not the test's failure
  req.write(upload.body.subarray(0, upload.body.length >> 1));
  return {
    async finish() {
      req.end(upload.body.subarray(upload.body.length >> 1));
      const [res] = await response;
      res.resume();
      await once(res, 'end');
      return res.statusCode;
    },
  };
}

/** Waits until `n` requests are admitted (running or queued), from /metrics. */
async function admitted(server: RunningServer, n: number): Promise<void> {
  for (;;) {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    if (value('rocket_inflight_requests') + value('rocket_queue_depth') >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the server stops accepting connections: the drain has begun. */
async function draining(server: RunningServer): Promise<void> {
  while (
    await fetch(`${server.url}/livez`).then(
      () => true,
      () => false,
    )
  )
    await new Promise((r) => setTimeout(r, 20));
}

/** Sends a request and reports its response (status, headers, body) and any socket error. */
async function outcome(req: ClientRequest, body: Buffer) {
  const errors: string[] = [];
  req.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? String(err)));
  const response = new Promise<IncomingMessage | undefined>((resolve) => {
    req.once('response', resolve);
    req.once('close', () => resolve(undefined));
  });
  req.end(body);
  const res = await response;
  let text = '';
  if (res) for await (const chunk of res) text += chunk;
  return { status: res?.statusCode, headers: res?.headers ?? {}, text, errors, reused: req.reusedSocket };
}

describe('SHUTDOWN_GRACE_S', () => {
  it('defaults to a drain that ends before Cloud Run kills the instance (SIGKILL 10 s after SIGTERM)', () => {
    expect(OPTIONS.SHUTDOWN_GRACE_S.default).toBe(8);
    expect(OPTIONS.SHUTDOWN_GRACE_S.default * 1000).toBeLessThan(CLOUD_RUN_KILL_MS);
  });

  it('exits by default within the grace period, before SIGKILL, even with a request still running', async () => {
    const server = await startServer('npm start server');
    const stuck = halfSent(server, false);
    await admitted(server, 1);
    const exited = once(server.proc, 'exit');
    const signalled = Date.now();
    server.proc.kill('SIGTERM');
    const [code] = await exited;
    const ms = Date.now() - signalled;
    expect(code).toBe(0);
    // The drain waited out the grace period for the stuck request, and ended before SIGKILL.
    expect(ms).toBeGreaterThanOrEqual(OPTIONS.SHUTDOWN_GRACE_S.default * 1000 - 500);
    expect(ms).toBeLessThan(CLOUD_RUN_KILL_MS);
    expect(server.output()).toContain('the grace period ended with requests still running');
    void stuck;
  }, 30_000);
});

describe('a request refused during a drain', () => {
  it('reaches the client as 503 NOT_READY with Retry-After, even mid-upload (no EPIPE or reset)', async () => {
    const server = await startServer('npm start server', { SHUTDOWN_GRACE_S: '20' });
    const { port } = new URL(server.url);
    // A keeps the drain going; B's connection is busy at SIGTERM, so it stays open for its next request.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const a = halfSent(server, false);
    const b = halfSent(server, keepAlive);
    await admitted(server, 2);
    const exited = once(server.proc, 'exit');
    server.proc.kill('SIGTERM');
    await draining(server);
    expect(await b.finish()).toBe(200);

    // A large upload on B's open connection, sent while the server drains.
    const large = multipart([{ name: 'input', filename: 'big.jpg', data: Buffer.alloc(8 << 20, 1) }]);
    const refused = await outcome(
      request({
        host: '127.0.0.1',
        port,
        path: '/process',
        method: 'POST',
        agent: keepAlive,
        headers: { 'content-type': large.contentType, 'content-length': large.body.length },
      }),
      large.body,
    );
    expect(refused.reused).toBe(true);
    expect(refused.errors).toEqual([]);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.text).error.code).toBe('NOT_READY');

    expect(await a.finish()).toBe(200);
    expect((await exited)[0]).toBe(0);
    keepAlive.destroy();
  }, 60_000);
});
