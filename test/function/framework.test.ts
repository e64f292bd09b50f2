import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, postImage } from '../helpers/http.js';
import { startServer, useServer } from '../helpers/server.js';

let scene: Buffer;
beforeAll(async () => {
  scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
});

describe('functions-framework: MAX_UPLOAD_BYTES before the framework buffers the body', () => {
  const server = useServer('functions-framework', { MAX_UPLOAD_BYTES: '100000' });

  it('answers 413 from Content-Length while the body has not been sent', async () => {
    const { port } = new URL(server().url);
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/process',
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'content-length': 500_000_000 },
    });
    req.on('error', () => {}); // the server closes the connection after its answer
    const answered = once(req, 'response') as Promise<[IncomingMessage]>;
    // A few bytes of the announced 500 MB: the framework's body parser would wait for the rest.
    req.write(Buffer.alloc(1024));
    const [res] = await answered;
    const text = await new Promise<string>((resolve) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.destroy();
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(text).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(JSON.parse(text).error.message).toContain('100000 bytes (MAX_UPLOAD_BYTES)');
  });

  it('still serves bodies within the limit', async () => {
    const res = await postImage(server().url, scene);
    expect(res.status).toBe(200);
    expect((await json(res)).detections).toHaveLength(3);
  });
});

describe('functions-framework: the configured timeouts', () => {
  const server = useServer('functions-framework', { HEADERS_TIMEOUT_S: '2' });

  it('answers 408 to headers that never end, within seconds of HEADERS_TIMEOUT_S', async () => {
    const { port } = new URL(server().url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const started = Date.now();
    socket.write('POST /process HTTP/1.1\r\nHost: x\r\n');
    let reply = '';
    socket.on('data', (d) => (reply += d));
    await once(socket, 'close');
    // The framework's own server would wait Node's default 60 s (checked every 30 s).
    expect(Date.now() - started).toBeLessThan(6000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);
});

describe('functions-framework: SIGTERM drains', () => {
  it('lets admitted requests finish with 200, then exits 0', async () => {
    const server = await startServer('functions-framework', { SHUTDOWN_GRACE_S: '8', MAX_INFLIGHT: '1' });
    const burst = Array.from({ length: 6 }, () => postImage(server.url, scene));
    // Wait until all 6 are admitted (running, queued or answered).
    for (;;) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const value = (name: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(name) && (!l.includes('{') || l.includes('route="/process"')))
          .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      const admitted =
        value('rocket_inflight_requests') + value('rocket_queue_depth') + value('rocket_http_requests_total');
      if (admitted >= 6) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const exited = once(server.proc, 'exit');
    server.proc.kill('SIGTERM');
    const results = await Promise.all(burst);
    const [code] = await exited;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(code).toBe(0);
    expect(server.output()).toContain('every admitted request was answered');
  });
});
