import type { ServerResponse } from 'node:http';
import type { RocketApp } from '../app.js';
import type { LogLevel } from '../config/options.js';
import { RocketError } from '../errors.js';
import { exceptionFields } from '../log.js';
import { meterBytesSent, requestLogFields } from '../serving/access-log.js';
import { checkApiKey } from '../serving/auth.js';
import type { RequestSpan } from '../serving/tracing.js';
import { isV2Path, V2_ERRORS } from '../v2/errors.js';
import { discardBody } from './discard-body.js';
import { type ErrorProtocol, errorResponse, ROCKET_ERRORS, sendErrorResponse } from './error-response.js';
import { compilePath, headerValue, type Route } from './route.js';
import { DATA_ERRORS } from './routes/data.js';
import { ROUTES } from './routes/index.js';
import type { BodyRequest } from './upload.js';

const compiled = ROUTES.map((route) => ({ route, match: compilePath(route.path) }));

/**
 * Finds the route for a path and method; 404 or 405 (with the allowed methods) otherwise. HEAD is
 * answered by the GET route: node:http then sends its status and headers, Content-Length included,
 * without the body.
 */
function findRoute(pathname: string, method: string): { route: Route; params: Record<string, string> } {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const allowed: string[] = [];
  for (const { route, match } of compiled) {
    const params = match(pathname);
    if (!params) continue;
    if (route.method === wanted) return { route, params };
    allowed.push(...(route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]));
  }
  if (allowed.length === 0) throw new RocketError('ROUTE_NOT_FOUND', `No route ${pathname}; see docs/api.md`);
  throw new RocketError('METHOD_NOT_ALLOWED', `${pathname} accepts ${allowed.join(', ')}, not ${method}`, {
    headers: { allow: allowed.join(', ') },
  });
}

/**
 * Handles one request against the app, whatever server received it (node:http or
 * functions-framework's Express): CORS, routing, API key, admission control for routes that run
 * the model (held up to STARTUP_WAIT_S while the rocket loads), one log line and metrics per
 * request, and a server span when OpenTelemetry tracing is on. Errors map through the catalogue.
 */
export function handleRequest(req: BodyRequest, res: ServerResponse, app: RocketApp): Promise<void> {
  const span = app.tracing?.startRequest(req, res);
  return span ? span.run(() => serveRequest(req, res, app, span)) : serveRequest(req, res, app);
}

/** handleRequest's work, inside the request's span when tracing is on. */
async function serveRequest(
  req: BodyRequest,
  res: ServerResponse,
  app: RocketApp,
  span?: RequestSpan,
): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const aborter = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  let routePath = 'unmatched';
  let probe = false;
  const bytesSent = meterBytesSent(req, res);
  res.once('finish', () =>
    observe(app, req, res, routePath, probe, (performance.now() - started) / 1000, bytesSent()),
  );
  if (app.cors.apply(req, res)) return;
  try {
    const { route, params } = findRoute(url.pathname, req.method ?? 'GET');
    routePath = route.path;
    span?.setRoute(route.path);
    probe = route.kind === 'probe';
    if (route.kind !== 'probe') checkApiKey(req.headers, app.config.API_KEY);
    const ctx = { req, res, url, params, app, signal: aborter.signal };
    if (route.kind !== 'work') {
      await route.handler(ctx);
      return;
    }
    let ticket: ReturnType<typeof app.admission.enter>;
    try {
      ticket = app.admission.enter(clientOf(req, app.config.CLIENT_ID_HEADER));
    } catch (err) {
      const reason = (err as RocketError).code === 'CLIENT_LIMIT' ? 'client_limit' : 'overloaded';
      app.metrics.record((m) => m.rejected.inc({ reason }));
      throw err;
    }
    try {
      // Admitted first, so the requests held during a cold start count against MAX_QUEUE.
      await app.awaitAcceptingWork(app.config.STARTUP_WAIT_S * 1000, aborter.signal);
      const queued = performance.now();
      await ticket.start(aborter.signal);
      const waited = (performance.now() - queued) / 1000;
      app.metrics.record((m) => m.queueWaitSeconds.observe(waited));
      await route.handler(ctx);
    } catch (err) {
      // Answered before the place is released, so that a drain waits for this answer too.
      await sendError(app, req, res, url, err);
    } finally {
      ticket.release();
    }
  } catch (err) {
    await sendError(app, req, res, url, err);
  }
}

/** How long a refusal during a drain reads the rest of an upload; short beside SHUTDOWN_GRACE_S. */
const DRAIN_DISCARD_MS = 2000;

/** Answers an error (once, through the catalogue); during a drain, after reading the upload's rest. */
async function sendError(
  app: RocketApp,
  req: BodyRequest,
  res: ServerResponse,
  url: URL,
  err: unknown,
): Promise<void> {
  const response = errorResponse(err, errorProtocolOf(url.pathname));
  const { status, code, message } = response;
  if (status >= 500 && code !== 'OVERLOADED' && code !== 'NOT_READY') {
    app.log.error(message, { code, path: url.pathname, ...exceptionFields(err) });
  }
  const draining = app.health().status === 'draining';
  // A drain closes the connection after the answer: read the rest of the upload first, or the
  // client is reset mid-upload (EPIPE) and never sees the 503 and its Retry-After.
  if (draining) await discardBody(req, app.config.MAX_UPLOAD_BYTES, DRAIN_DISCARD_MS);
  sendErrorResponse(req, res, response, code === 'PAYLOAD_TOO_LARGE' || draining);
}

/**
 * The shape errors take on a path, even for errors raised before its handler (a 401, 404 or 405):
 * the Open Inference Protocol's on /v2, the compatible job routes' wrapper on /data, ours elsewhere.
 */
function errorProtocolOf(pathname: string): ErrorProtocol {
  if (isV2Path(pathname)) return V2_ERRORS;
  return pathname.startsWith('/data/') ? DATA_ERRORS : ROCKET_ERRORS;
}

/** Who sent a request, for the per-client limit: the configured header's value, else the TCP peer. */
function clientOf(req: BodyRequest, header: string): string {
  const named = header ? headerValue(req.headers, header)?.trim() : undefined;
  return named || `peer ${req.socket?.remoteAddress ?? 'unknown'}`;
}

/** One log line and the request metrics, when the response has been sent. */
function observe(
  app: RocketApp,
  req: BodyRequest,
  res: ServerResponse,
  route: string,
  probe: boolean,
  seconds: number,
  bytesSent: number | undefined,
): void {
  const labels = { route, method: req.method ?? 'GET', status: String(res.statusCode) };
  app.metrics.record((m) => {
    m.requests.inc(labels);
    m.requestSeconds.observe(labels, seconds);
  });
  // Probes answering 503 while loading or draining are expected: they stay at debug.
  const status = res.statusCode;
  const level: LogLevel = probe ? 'debug' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!app.log.enabled(level)) return;
  const fields = requestLogFields(req, res, { latencyS: seconds, bytesSent, projectId: app.project.id });
  app.log[level](`${req.method} ${route} ${status}`, fields);
}
