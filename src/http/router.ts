import type { ServerResponse } from 'node:http';
import type { RocketApp } from '../app.js';
import type { LogLevel } from '../config/options.js';
import { RocketError } from '../errors.js';
import { requestLogFields } from '../serving/access-log.js';
import { checkApiKey } from '../serving/auth.js';
import { errorResponse, sendErrorResponse } from './error-response.js';
import { compilePath, headerValue, type Route } from './route.js';
import { ROUTES } from './routes/index.js';
import type { BodyRequest } from './upload.js';

const compiled = ROUTES.map((route) => ({ route, match: compilePath(route.path) }));

/** Finds the route for a path and method; 404 or 405 (with the allowed methods) otherwise. */
function findRoute(pathname: string, method: string): { route: Route; params: Record<string, string> } {
  const allowed: string[] = [];
  for (const { route, match } of compiled) {
    const params = match(pathname);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  if (allowed.length === 0) throw new RocketError('ROUTE_NOT_FOUND', `No route ${pathname}; see docs/api.md`);
  throw new RocketError('METHOD_NOT_ALLOWED', `${pathname} accepts ${allowed.join(', ')}, not ${method}`, {
    headers: { allow: allowed.join(', ') },
  });
}

/**
 * Handles one request against the app, whatever server received it (node:http or
 * functions-framework's Express): CORS, routing, API key, admission control for routes that run
 * the model, one log line and metrics per request. Errors map through the catalogue.
 */
export async function handleRequest(req: BodyRequest, res: ServerResponse, app: RocketApp): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const aborter = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborter.abort();
  });
  let routePath = 'unmatched';
  let probe = false;
  res.once('finish', () => observe(app, req, res, routePath, probe, (performance.now() - started) / 1000));
  if (app.cors.apply(req, res)) return;
  try {
    const { route, params } = findRoute(url.pathname, req.method ?? 'GET');
    routePath = route.path;
    probe = route.kind === 'probe';
    if (route.kind !== 'probe') checkApiKey(req.headers, app.config.API_KEY);
    const ctx = { req, res, url, params, app, signal: aborter.signal };
    if (route.kind !== 'work') {
      await route.handler(ctx);
      return;
    }
    app.assertAcceptingWork();
    let ticket: ReturnType<typeof app.admission.enter>;
    try {
      ticket = app.admission.enter(clientOf(req, app.config.CLIENT_ID_HEADER));
    } catch (err) {
      app.metrics.rejected.inc({
        reason: (err as RocketError).code === 'CLIENT_LIMIT' ? 'client_limit' : 'overloaded',
      });
      throw err;
    }
    try {
      const queued = performance.now();
      await ticket.start(aborter.signal);
      app.metrics.queueWaitSeconds.observe((performance.now() - queued) / 1000);
      await route.handler(ctx);
    } finally {
      ticket.release();
    }
  } catch (err) {
    sendError(app, req, res, url, err);
  }
}

function sendError(app: RocketApp, req: BodyRequest, res: ServerResponse, url: URL, err: unknown): void {
  const response = errorResponse(err);
  const { status, code, message } = response;
  if (status >= 500 && code !== 'OVERLOADED' && code !== 'NOT_READY') {
    app.log.error(message, { code, path: url.pathname, cause: String((err as Error)?.stack ?? err) });
  }
  const close = code === 'PAYLOAD_TOO_LARGE' || app.health().status === 'draining';
  sendErrorResponse(req, res, response, close);
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
): void {
  const labels = { route, method: req.method ?? 'GET', status: String(res.statusCode) };
  app.metrics.requests.inc(labels);
  app.metrics.requestSeconds.observe(labels, seconds);
  // Probes answering 503 while loading or draining are expected: they stay at debug.
  const status = res.statusCode;
  const level: LogLevel = probe ? 'debug' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!app.log.enabled(level)) return;
  const fields = requestLogFields(req, res, seconds, app.config.GOOGLE_CLOUD_PROJECT || undefined);
  app.log[level](`${req.method} ${route} ${status}`, fields);
}
