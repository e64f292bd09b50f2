import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { STAGES } from '../../src/serving/stages.js';
import { tracingWanted } from '../../src/serving/tracing.js';
import { postImage } from '../helpers/http.js';
import { type RunningServer, startServer } from '../helpers/server.js';

/** A span as OTLP/JSON carries it (the fields this test reads). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const SPAN_KIND_SERVER = 2;
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

/** A local OTLP/HTTP receiver: keeps every span POSTed to /v1/traces as OTLP/JSON. */
class Receiver {
  readonly spans: OtlpSpan[] = [];
  /** The `service.name` of each batch received. */
  readonly services: string[] = [];
  readonly paths: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      this.paths.push(`${req.method} ${req.url}`);
      const parsed = JSON.parse(body) as {
        resourceSpans: { resource: Pick<OtlpSpan, 'attributes'>; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const rs of parsed.resourceSpans) {
        this.services.push(String(attribute(rs.resource, 'service.name')));
        for (const ss of rs.scopeSpans) this.spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Waits until a server span and its five children have arrived. */
  async requestTree(timeoutMs = 10_000): Promise<{ server: OtlpSpan; children: OtlpSpan[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const server = this.spans.find((s) => s.kind === SPAN_KIND_SERVER && s.name === 'POST /process');
      const children = this.spans.filter((s) => server && s.parentSpanId === server.spanId);
      if (server && children.length >= STAGES.length) return { server, children };
      if (Date.now() > deadline) throw new Error(`spans received: ${JSON.stringify(this.spans)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.server.close();
  }
}

/**
 * A --require preload that reports, at exit, how many OpenTelemetry SDK modules the process loaded.
 * `@opentelemetry/api` alone does not count: prom-client loads it for its process CPU metric.
 */
function moduleProbe(): string {
  const path = join(tmpdir(), `rocketserve-otel-probe-${process.pid}.cjs`);
  writeFileSync(
    path,
    [
      "const sdk = (k) => k.includes('@opentelemetry') && !k.includes('@opentelemetry/api/');",
      'const count = () => Object.keys(require.cache).filter(sdk).length;',
      "process.on('exit', () => process.stderr.write('opentelemetry SDK modules loaded: ' + count() + '\\n'));",
    ].join('\n'),
  );
  return path;
}

const loadedModules = (output: string) => Number(/opentelemetry SDK modules loaded: (\d+)/.exec(output)?.[1]);
const nanos = (v: string | number) => BigInt(v);
const attribute = (span: Pick<OtlpSpan, 'attributes'>, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

let scene: Buffer;
beforeAll(async () => {
  scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
});

describe('tracingWanted: which variables switch tracing on', () => {
  it.each([
    [{}, false],
    [{ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'console' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, false],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
  ])('%j → %s', (env, wanted) => {
    expect(tracingWanted(env)).toBe(wanted);
  });
});

describe.each(['npm start server', 'functions-framework'] as const)(
  'OpenTelemetry on (%s): the span tree of one /process call',
  (entry) => {
    const receiver = new Receiver();
    let server: RunningServer;
    beforeAll(async () => {
      const endpoint = await receiver.start();
      server = await startServer(
        entry,
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        undefined,
        ['--require', moduleProbe()],
      );
    });
    afterAll(async () => {
      await server?.stop();
      receiver.close();
    });

    it('continues the caller trace with a server span and five stage children in order', async () => {
      const res = await postImage(server.url, scene, '', 'shapes.jpg', {
        traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      });
      expect(res.status).toBe(200);
      const { server: span, children } = await receiver.requestTree();

      expect(span.traceId).toBe(CALLER_TRACE);
      expect(span.parentSpanId).toBe(CALLER_SPAN);
      expect(attribute(span, 'http.request.method')).toBe('POST');
      expect(attribute(span, 'http.route')).toBe('/process');
      expect(attribute(span, 'http.response.status_code')).toBe(200);
      expect(res.headers.get('traceparent')).toBe(`00-${CALLER_TRACE}-${span.spanId}-01`);

      const ordered = [...children].sort((a, b) =>
        Number(nanos(a.startTimeUnixNano) - nanos(b.startTimeUnixNano)),
      );
      expect(ordered.map((c) => c.name)).toEqual([...STAGES]);
      let previousEnd = nanos(span.startTimeUnixNano);
      for (const child of ordered) {
        expect(child.traceId).toBe(CALLER_TRACE);
        const start = nanos(child.startTimeUnixNano);
        const end = nanos(child.endTimeUnixNano);
        expect(start, child.name).toBeGreaterThanOrEqual(previousEnd);
        expect(end, child.name).toBeGreaterThanOrEqual(start);
        previousEnd = end;
      }
      expect(previousEnd).toBeLessThanOrEqual(nanos(span.endTimeUnixNano));
      expect(receiver.paths.every((p) => p === 'POST /v1/traces')).toBe(true);
      expect(new Set(receiver.services)).toEqual(new Set(['rocketserve']));
    });

    it('starts a new trace when the caller sends none, and says so in traceparent', async () => {
      const res = await fetch(`${server.url}/health`);
      expect(res.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(res.headers.get('traceparent')).not.toContain(CALLER_TRACE);
    });

    it('loads the SDK only because tracing is on', async () => {
      await server.stop();
      expect(loadedModules(server.output())).toBeGreaterThan(0);
    });
  },
);

describe('OpenTelemetry on: spans still buffered are exported on SIGTERM', () => {
  const receiver = new Receiver();
  let server: RunningServer;
  beforeAll(async () => {
    const endpoint = await receiver.start();
    server = await startServer('npm start server', {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Far beyond the test: only the shutdown flush can send these spans.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
  });
  afterAll(async () => {
    await server?.stop();
    receiver.close();
  });

  it('flushes the request span tree during the drain', async () => {
    const res = await postImage(server.url, scene, '', 'shapes.jpg');
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.spans).toHaveLength(0);
    await server.stop();
    const { children } = await receiver.requestTree(1000);
    expect(children.map((c) => c.name).sort()).toEqual([...STAGES].sort());
  });
});

describe.each([
  ['no OTEL_* variable', false],
  ['OTEL_SDK_DISABLED=true beside an endpoint', true],
])('OpenTelemetry off: %s', (_, disabledWithEndpoint) => {
  const receiver = new Receiver();
  let server: RunningServer;
  beforeAll(async () => {
    const endpoint = await receiver.start();
    const env: Record<string, string> = disabledWithEndpoint
      ? { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' }
      : {};
    server = await startServer('npm start server', { ...env, CORS_ORIGINS: '*' }, undefined, [
      '--require',
      moduleProbe(),
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    receiver.close();
  });

  it('lets browsers send the trace headers and read traceparent (CORS)', async () => {
    const preflight = await fetch(`${server.url}/process`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'traceparent, tracestate',
      },
    });
    expect(preflight.status).toBe(204);
    const allowed = preflight.headers.get('access-control-allow-headers')?.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['traceparent', 'tracestate']));
    const res = await fetch(`${server.url}/livez`, { headers: { origin: 'https://app.example.com' } });
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('traceparent');
  });

  it('exports nothing, adds no traceparent and loads no OpenTelemetry SDK module', async () => {
    const res = await postImage(server.url, scene, '', 'shapes.jpg', {
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('traceparent')).toBeNull();
    await server.stop();
    expect(loadedModules(server.output())).toBe(0);
    expect(receiver.paths).toEqual([]);
  });
});
