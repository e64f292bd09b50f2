import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The Cloud Logging fields of one request: `httpRequest`, and `logging.googleapis.com/trace`
 * from `X-Cloud-Trace-Context` (TRACE/SPAN;o=1) or W3C `traceparent` (00-TRACE-SPAN-FLAGS). With a
 * project id the trace is the full resource name Cloud Logging links to.
 */
export function requestLogFields(
  req: IncomingMessage,
  res: ServerResponse,
  latencyS: number,
  projectId: string | undefined,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    httpRequest: {
      requestMethod: req.method,
      requestUrl: req.url,
      status: res.statusCode,
      responseSize: String(res.getHeader('content-length') ?? ''),
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
  }
  return fields;
}

/** The trace and span ids a request carries, if any. */
export function traceOf(req: IncomingMessage): { traceId: string; spanId?: string } | undefined {
  const cloud = req.headers['x-cloud-trace-context'];
  const cloudMatch = typeof cloud === 'string' ? /^([0-9a-f]{32})(?:\/(\d+))?/i.exec(cloud) : null;
  if (cloudMatch) return { traceId: cloudMatch[1] as string, spanId: cloudMatch[2] };
  const parent = req.headers.traceparent;
  const w3c =
    typeof parent === 'string'
      ? /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/i.exec(parent)
      : null;
  if (w3c) return { traceId: w3c[1] as string, spanId: w3c[2] };
  return undefined;
}
