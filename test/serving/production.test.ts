import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, multipart, postImage } from '../helpers/http.js';
import { startServer, useServer } from '../helpers/server.js';

let scene: Buffer;
beforeAll(async () => {
  scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
});

/** Sends one request and reports how it ended: a status and body, or the network error's code. */
async function attempt(url: string, headers: Record<string, string> = {}) {
  try {
    const res = await postImage(url, scene, '', 'shapes.jpg', headers);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await json(res) };
  } catch (err) {
    return { status: 0, error: String((err as { cause?: { code?: string } }).cause?.code ?? err) };
  }
}

describe('admission control under a burst (MAX_INFLIGHT=1, MAX_QUEUE=2)', () => {
  const server = useServer('npm start server', { MAX_INFLIGHT: '1', MAX_QUEUE: '2' });

  it('answers 20 parallel requests with only 200s and immediate 503 OVERLOADED + Retry-After', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => attempt(server().url)));
    const statuses = results.map((r) => r.status);
    expect(
      statuses.every((s) => s === 200 || s === 503),
      JSON.stringify(results.filter((r) => r.status === 0)),
    ).toBe(true);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 503);
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of ok) expect(r.body.detections).toHaveLength(3);
    for (const r of refused) {
      expect(r.retryAfter).toBe('1');
      expect(r.body.error.code).toBe('OVERLOADED');
    }
    // Capacity frees up: the next request is served.
    expect((await attempt(server().url)).status).toBe(200);
  });

  it('counts what it refused, and /metrics parses as Prometheus text exposition', async () => {
    const res = await fetch(`${server().url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheusTextFormat(await res.text());
    const byName = new Map(families.map((f) => [f.name, f]));
    for (const name of [
      'rocket_http_requests_total',
      'rocket_http_request_duration_seconds',
      'rocket_queue_depth',
      'rocket_queue_wait_seconds',
      'rocket_inference_seconds',
      'rocket_batch_size',
      'rocket_worker_utilization_ratio',
      'rocket_preprocess_seconds',
      'rocket_postprocess_seconds',
      'rocket_inference_failures_total',
      'rocket_inflight_requests',
      'process_resident_memory_bytes',
      'rocket_info',
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
    const requests = byName.get('rocket_http_requests_total');
    const served = requests?.metrics.find(
      (m) => m.labels?.route === '/process' && m.labels?.status === '200',
    );
    expect(Number(served?.value)).toBeGreaterThanOrEqual(4);
    const refused = requests?.metrics.find(
      (m) => m.labels?.route === '/process' && m.labels?.status === '503',
    );
    expect(Number(refused?.value)).toBeGreaterThan(0);
    const rejected = byName.get('rocket_rejected_total')?.metrics;
    expect(rejected?.map((m) => m.labels)).toEqual([{ reason: 'overloaded' }]);
    expect(Number(rejected?.[0]?.value)).toBe(Number(refused?.value));
    expect(byName.get('rocket_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(byName.has('rocket_worker_utilization'), 'the old name is gone').toBe(false);
    // Every image run was preprocessed and postprocessed in its worker, and none failed.
    const runs = (name: string) =>
      Number((byName.get(name)?.metrics[0] as { count?: string } | undefined)?.count ?? 0);
    expect(runs('rocket_preprocess_seconds')).toBeGreaterThanOrEqual(Number(served?.value));
    expect(runs('rocket_postprocess_seconds')).toBe(runs('rocket_preprocess_seconds'));
    expect(runs('rocket_inference_seconds')).toBe(runs('rocket_preprocess_seconds'));
    expect(byName.get('rocket_inference_failures_total')?.metrics).toEqual([]);
    expect(byName.get('rocket_info')?.metrics[0]?.labels).toMatchObject({
      rocket: 'demo-detector',
      task: 'detect',
      device: 'cpu',
      execution_provider: 'cpu',
    });
  });
});

/**
 * One /metrics scrape: a function giving the sum of a family's samples, optionally only those
 * carrying the given labels, all from the same snapshot.
 */
async function scrape(url: string): Promise<(name: string, labels?: Record<string, string>) => number> {
  const families = parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());
  return (name, labels = {}) =>
    families
      .find((f) => f.name === name)
      ?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
      .reduce((sum, m) => sum + Number(m.value), 0) ?? 0;
}

describe('per-client limit (MAX_INFLIGHT_PER_CLIENT=1, CLIENT_ID_HEADER=x-client-id)', () => {
  const server = useServer('npm start server', {
    MAX_INFLIGHT_PER_CLIENT: '1',
    CLIENT_ID_HEADER: 'X-Client-Id',
    MAX_INFLIGHT: '4',
  });

  it('refuses a client its second request at once with 429 CLIENT_LIMIT, and serves everyone else', async () => {
    // Client a's first request sends half its body and waits: it holds its place meanwhile.
    const { body, contentType } = multipart([
      { name: 'input', filename: 'shapes.jpg', data: scene, type: 'image/jpeg' },
    ]);
    const { port } = new URL(server().url);
    const held = request({
      host: '127.0.0.1',
      port,
      path: '/process',
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': body.length, 'x-client-id': 'a' },
    });
    const heldResponse = once(held, 'response') as Promise<[IncomingMessage]>;
    held.write(body.subarray(0, body.length >> 1));
    while ((await scrape(server().url))('rocket_inflight_requests') < 1) {
      await new Promise((r) => setTimeout(r, 20));
    }

    const second = await attempt(server().url, { 'x-client-id': 'a' });
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBe('1');
    expect(second.body.error.code).toBe('CLIENT_LIMIT');
    const other = await attempt(server().url, { 'x-client-id': 'b' });
    expect(other.status).toBe(200);
    expect(other.body.detections).toHaveLength(3);

    held.end(body.subarray(body.length >> 1));
    const [res] = await heldResponse;
    res.resume();
    expect(res.statusCode).toBe(200);
    // Its place is free again.
    expect((await attempt(server().url, { 'x-client-id': 'a' })).status).toBe(200);
    const metric = await scrape(server().url);
    expect(metric('rocket_rejected_total', { reason: 'client_limit' })).toBe(1);
    expect(metric('rocket_rejected_total', { reason: 'overloaded' })).toBe(0);
  });
});

describe('SIGTERM during a burst', () => {
  it('finishes every accepted request, refuses new work, and exits 0 within the grace period', async () => {
    const server = await startServer('npm start server', { SHUTDOWN_GRACE_S: '10', MAX_INFLIGHT: '1' });
    const burst = Array.from({ length: 12 }, () => attempt(server.url));
    // Wait until the server has admitted all 12 (running, queued or already answered).
    for (;;) {
      const value = await scrape(server.url);
      const answered = value('rocket_http_requests_total', { route: '/process' });
      if (value('rocket_inflight_requests') + value('rocket_queue_depth') + answered >= 12) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const signalled = Date.now();
    const exited = once(server.proc, 'exit');
    server.proc.kill('SIGTERM');
    const results = await Promise.all(burst);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    for (const r of results) {
      expect(r.status, JSON.stringify(r)).toBe(200);
      expect(r.body.detections).toHaveLength(3);
    }
    expect(server.output()).toContain('every admitted request was answered');
    const after = await attempt(server.url);
    expect(after.status).toBe(0);
    expect(after.error).toBe('ECONNREFUSED');
  });
});

describe('API_KEY', () => {
  const key = 'k3y-0123456789abcdef';
  const server = useServer('npm start server', { API_KEY: key });

  it('refuses requests without a valid key with 401 and WWW-Authenticate', async () => {
    const none = await attempt(server().url);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    expect((await attempt(server().url, { authorization: 'Bearer wrong-key-0123456789' })).status).toBe(401);
    const metrics = await fetch(`${server().url}/metrics`);
    expect(metrics.status).toBe(401);
    expect(metrics.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('accepts the key as a Bearer token or X-API-Key', async () => {
    expect((await attempt(server().url, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await attempt(server().url, { 'x-api-key': key })).status).toBe(200);
  });

  it('accepts X-API-Key beside a Cloud Run IAM ID token in Authorization', async () => {
    const idToken = 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJydW4ifQ.c2ln';
    expect((await attempt(server().url, { authorization: idToken, 'x-api-key': key })).status).toBe(200);
  });

  it('keeps the health probes open', async () => {
    for (const path of ['/livez', '/readyz', '/health'])
      expect((await fetch(`${server().url}${path}`)).status).toBe(200);
  });
});

describe('CORS and request logs', () => {
  const server = useServer('npm start server', { CORS_ORIGINS: 'https://app.example.com' });

  it('answers a preflight from an allowed origin, and only from it', async () => {
    const preflight = (origin: string) =>
      fetch(`${server().url}/process`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-api-key',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-api-key');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.status).toBe(405);
  });

  it('lets a browser read the error code and retry hints of an answer', async () => {
    const res = await fetch(`${server().url}/v2/nope`, {
      headers: { origin: 'https://app.example.com' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-error-code')).toBe('ROUTE_NOT_FOUND');
    const exposed = res.headers.get('access-control-expose-headers')?.split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['x-error-code', 'retry-after', 'traceparent']));
  });

  it('writes one structured log line per request, with the trace from X-Cloud-Trace-Context', async () => {
    const trace = 'a'.repeat(32);
    const res = await postImage(server().url, scene, '', 's.jpg', {
      'x-cloud-trace-context': `${trace}/7;o=1`,
    });
    expect(res.status).toBe(200);
    const body = await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 50));
    const lines = server()
      .output()
      .split('\n')
      .filter((l) => l.includes(trace))
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      severity: 'INFO',
      'logging.googleapis.com/trace': trace,
      'logging.googleapis.com/spanId': '0000000000000007',
      'logging.googleapis.com/trace_sampled': true,
      httpRequest: { requestMethod: 'POST', requestUrl: `${server().url}/process`, status: 200 },
    });
    // The bytes sent: the body and the status line and headers before it.
    const sent = Number(lines[0].httpRequest.responseSize);
    expect(sent).toBeGreaterThan(body.byteLength + 50);
    expect(sent).toBeLessThan(body.byteLength + 1000);
  });

  it('serves /livez and /readyz', async () => {
    expect(await json(await fetch(`${server().url}/livez`))).toEqual({ status: 'alive' });
    expect(await json(await fetch(`${server().url}/readyz`))).toEqual({ status: 'ok' });
  });
});
