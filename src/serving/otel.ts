import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Context,
  diag,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { type StageName, type StageSink, withStageSink } from './stages.js';
import type { RequestSpan, Tracing } from './tracing.js';

// Loaded only by startTracing() (tracing.ts), with import(), when the OTEL_* variables ask for
// traces: without them no OpenTelemetry module is loaded at all.

/**
 * The most a shutdown waits for the last spans to be exported: an unreachable collector must not
 * eat into the platform's kill deadline (Cloud Run: 10 s after SIGTERM).
 */
const FLUSH_LIMIT_MS = 2000;

/** A `performance.now()` time as epoch milliseconds, so every span of a request shares one clock. */
const epoch = (ms: number) => performance.timeOrigin + ms;

/**
 * The exporters OTEL_TRACES_EXPORTER names: `otlp` (the default: OTLP/HTTP with JSON bodies, set
 * up by the OTEL_EXPORTER_OTLP_* variables) and `console`. Others are left out, with a warning.
 */
function exportersOf(env: Record<string, string | undefined>): SpanExporter[] {
  const names = (env.OTEL_TRACES_EXPORTER ?? 'otlp')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '' && n !== 'none');
  return (names.length > 0 ? names : ['otlp']).flatMap((name): SpanExporter[] => {
    if (name === 'otlp') return [new OTLPTraceExporter()];
    if (name === 'console') return [new ConsoleSpanExporter()];
    diag.warn(`OTEL_TRACES_EXPORTER ${name} is not supported by rocketserve (otlp, console); left out`);
    return [];
  });
}

/**
 * Starts OpenTelemetry tracing alone (metrics stay on /metrics, logs on stdout): a tracer provider
 * with the sampler, batch processor and OTLP/HTTP exporter the standard OTEL_* variables configure,
 * and W3C trace-context and baggage propagation. Only the trace packages are loaded, not the whole
 * Node SDK with its metric, log and gRPC exporters (about 180 MB in the image). The service name
 * defaults to `rocketserve` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names one.
 */
export function startOtel(env: Record<string, string | undefined>, version: string): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'rocketserve', [ATTR_SERVICE_VERSION]: version }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: exportersOf(env).map((exporter) => new BatchSpanProcessor(exporter)),
  });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const tracer = trace.getTracer('rocketserve', version);
  return {
    startRequest: (req, res) => new OtelRequestSpan(tracer, req, res),
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FLUSH_LIMIT_MS);
      });
      // An export that fails is the SDK's to report (OTEL_LOG_LEVEL); stopping goes on regardless.
      await Promise.race([provider.shutdown().catch(() => {}), limit]);
      clearTimeout(timer);
    },
  };
}

/**
 * The server span of one request (HTTP semantic conventions), and the sink its pipeline stages
 * become child spans through.
 */
class OtelRequestSpan implements RequestSpan, StageSink {
  private readonly span: Span;
  private readonly context: Context;

  constructor(
    private readonly tracer: Tracer,
    private readonly req: IncomingMessage,
    res: ServerResponse,
  ) {
    const method = req.method ?? 'GET';
    const caller = propagation.extract(ROOT_CONTEXT, req.headers);
    this.span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        startTime: epoch(performance.now()),
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: new URL(req.url ?? '/', 'http://localhost').pathname,
          [ATTR_URL_SCHEME]: 'http',
          [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
          ...(req.headers.host ? { [ATTR_SERVER_ADDRESS]: req.headers.host.replace(/:\d+$/, '') } : {}),
          ...(req.socket?.remoteAddress ? { [ATTR_CLIENT_ADDRESS]: req.socket.remoteAddress } : {}),
          ...(req.headers['user-agent'] ? { [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'] } : {}),
        },
      },
      caller,
    );
    this.context = trace.setSpan(ROOT_CONTEXT, this.span);
    const { traceId, spanId, traceFlags } = this.span.spanContext();
    if (isSpanContextValid(this.span.spanContext())) {
      const sampled = traceFlags & TraceFlags.SAMPLED ? '01' : '00';
      res.setHeader('traceparent', `00-${traceId}-${spanId}-${sampled}`);
    }
    res.once('close', () => this.end(res));
  }

  setRoute(route: string): void {
    this.span.setAttribute(ATTR_HTTP_ROUTE, route);
    this.span.updateName(`${this.req.method ?? 'GET'} ${route}`);
  }

  run<T>(fn: () => T): T {
    return withStageSink(this, fn);
  }

  stage(name: StageName, start: number, end: number): void {
    this.tracer.startSpan(name, { startTime: epoch(start) }, this.context).end(epoch(end));
  }

  /** Ends the span with the response status; 5xx and responses cut off are errors. */
  private end(res: ServerResponse): void {
    if (res.headersSent) this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (!res.writableFinished) {
      this.span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
      this.span.setStatus({
        code: SpanStatusCode.ERROR,
        message: 'The connection closed before the response was sent',
      });
    } else if (res.statusCode >= 500) {
      this.span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end(epoch(performance.now()));
  }
}
