import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What a request's log fields need besides the request and its response. */
export interface RequestLogContext {
  /** Seconds from the request's arrival to the end of its response. */
  latencyS: number;
  /** Bytes the response put on the connection (meterBytesSent); undefined leaves `responseSize` out. */
  bytesSent?: number;
  /** The Google Cloud project traces are linked to, when known. */
  projectId?: string;
}

/**
 * The Cloud Logging fields of one request: `httpRequest`, and from the trace context the request
 * carries (traceOf) `logging.googleapis.com/trace` (the full resource name Cloud Trace links to,
 * when the project is known), `spanId` and `trace_sampled`.
 */
export function requestLogFields(
  req: IncomingMessage,
  res: ServerResponse,
  { latencyS, bytesSent, projectId }: RequestLogContext,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    httpRequest: {
      requestMethod: req.method,
      requestUrl: requestUrlOf(req),
      status: res.statusCode,
      ...(bytesSent === undefined ? {} : { responseSize: String(bytesSent) }),
      userAgent: req.headers['user-agent'],
      remoteIp: req.socket?.remoteAddress,
      protocol: `HTTP/${req.httpVersion}`,
      latency: `${latencyS.toFixed(6)}s`,
    },
  };
  const trace = traceOf(req);
  if (trace) {
    fields['logging.googleapis.com/trace'] = projectId
      ? `projects/${projectId}/traces/${trace.traceId}`
      : trace.traceId;
    if (trace.spanId) fields['logging.googleapis.com/spanId'] = trace.spanId;
    if (trace.sampled !== undefined) fields['logging.googleapis.com/trace_sampled'] = trace.sampled;
  }
  return fields;
}

/**
 * The URL the client asked for, whole: scheme, host, path and query, as Cloud Logging's
 * `requestUrl` wants. Behind a proxy (Cloud Run, a load balancer) the scheme and host are the
 * first values of `X-Forwarded-Proto` and `X-Forwarded-Host` when present, else the connection's
 * own (TLS or not) and `Host`. They are what the client or proxy said, used for this log field
 * only. Without any host it is the path alone.
 */
export function requestUrlOf(req: IncomingMessage): string {
  const path = req.url ?? '/';
  const first = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
  };
  const host = first('x-forwarded-host') ?? req.headers.host;
  if (!host) return path;
  const encrypted = (req.socket as Partial<{ encrypted: boolean }> | undefined)?.encrypted === true;
  const scheme = first('x-forwarded-proto')?.toLowerCase() ?? (encrypted ? 'https' : 'http');
  return `${scheme}://${host}${path}`;
}

/**
 * Starts counting the bytes this response puts on the connection: status line, headers and body
 * (with any chunked framing), which is what Cloud Logging's `responseSize` means. Call it before
 * the response is written to; the function it returns gives the count once the response has been
 * handed to the socket, undefined before or where there is no socket (Lambda). The count is the
 * socket's byte counter from when this response takes the connection to its `prefinish`, so it
 * stays exact on keep-alive connections and for pipelined requests, whose responses hold the
 * socket one after another (by `finish`, the next one may already have written to it).
 */
export function meterBytesSent(req: IncomingMessage, res: ServerResponse): () => number | undefined {
  const socket = req.socket as Socket | undefined;
  if (typeof socket?.bytesWritten !== 'number') return () => undefined;
  let start: number | undefined;
  let sent: number | undefined;
  const take = () => {
    start = socket.bytesWritten;
  };
  if (res.socket) take();
  else res.once('socket', take);
  res.once('prefinish', () => {
    if (start !== undefined) sent = socket.bytesWritten - start;
  });
  return () => sent;
}

/** A request's trace context: trace id, span id (16 hex digits) and sampling decision, where given. */
export interface TraceContext {
  traceId: string;
  spanId?: string;
  sampled?: boolean;
}

/**
 * The trace context a request carries: `X-Cloud-Trace-Context` (`TRACE/SPAN;o=1`, the span id in
 * decimal, given here as the 16 hex digits Cloud Logging wants) or W3C `traceparent`
 * (`00-TRACE-SPAN-FLAGS`, sampled when bit 0 of the flags is set).
 */
export function traceOf(req: IncomingMessage): TraceContext | undefined {
  const cloud = req.headers['x-cloud-trace-context'];
  const cloudMatch =
    typeof cloud === 'string' ? /^([0-9a-f]{32})(?:\/(\d+))?(?:;o=([01]))?/i.exec(cloud) : null;
  if (cloudMatch) {
    const [, traceId, span, option] = cloudMatch as unknown as [string, string, string?, string?];
    return {
      traceId,
      ...(span === undefined ? {} : hexSpan(span)),
      ...(option === undefined ? {} : { sampled: option === '1' }),
    };
  }
  const parent = req.headers.traceparent;
  const w3c =
    typeof parent === 'string'
      ? /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/i.exec(parent)
      : null;
  if (!w3c) return undefined;
  const [, traceId, spanId, flags] = w3c as unknown as [string, string, string, string];
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** A decimal span id as 16 hex digits; nothing for 0 or values past 64 bits, which are no span. */
function hexSpan(decimal: string): { spanId?: string } {
  const id = BigInt(decimal);
  return id > 0n && id < 1n << 64n ? { spanId: id.toString(16).padStart(16, '0') } : {};
}
