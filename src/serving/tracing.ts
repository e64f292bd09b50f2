import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { packageVersion } from '../package.js';

/** OpenTelemetry tracing of the app's requests (src/serving/otel.ts), when the environment asks for it. */
export interface Tracing {
  /**
   * Starts the server span of one request, continuing the caller's trace (`traceparent`), and
   * sets the span's `traceparent` response header. The span ends when the response closes.
   */
  startRequest(req: IncomingMessage, res: ServerResponse): RequestSpan;
  /** Exports the spans still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

/** The server span of one request. */
export interface RequestSpan {
  /** Names the span after the matched route (`POST /process`). */
  setRoute(route: string): void;
  /** Runs `fn` with the pipeline's stages (serving/stages.ts) recorded as children of this span. */
  run<T>(fn: () => T): T;
}

type Env = Record<string, string | undefined>;

/** A comma-separated OTEL_* list, trimmed and lower-cased, without empty items. */
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * Whether the standard OpenTelemetry variables ask for traces: OTEL_TRACES_EXPORTER names an
 * exporter (anything but `none`), or an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none always
 * turn it off. Other OTEL_* variables (service name, sampler, ...) only configure it.
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = list(env.OTEL_TRACES_EXPORTER);
  if (exporters.includes('none')) return false;
  if (exporters.length > 0) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Starts OpenTelemetry tracing when tracingWanted(env), else resolves undefined without loading
 * any OpenTelemetry module. The SDK reads the rest of its configuration from process.env itself,
 * so `env` is process.env outside tests. Call once per process, from an entry point: the SDK
 * registers the global tracer provider, propagator and context manager.
 */
export async function startTracing(env: Env, log: Logger): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  const started = performance.now();
  const { startOtel } = await import('./otel.js');
  const tracing = startOtel(env, packageVersion());
  log.info('OpenTelemetry tracing on', {
    exporters: env.OTEL_TRACES_EXPORTER || 'otlp',
    sampler: env.OTEL_TRACES_SAMPLER || 'parentbased_always_on',
    startupMs: Math.round(performance.now() - started),
  });
  return tracing;
}
