import type { ServerResponse } from 'node:http';
import type { RocketApp } from '../app.js';
import { RocketError, toErrorResponse } from '../errors.js';
import { compilePath, type Route, sendJson } from './route.js';
import { ROUTES } from './routes/index.js';
import type { BodyRequest } from './upload.js';

export { sendJson } from './route.js';

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
 * functions-framework's Express). Errors map through the catalogue; 5xx causes go to the log.
 */
export async function handleRequest(req: BodyRequest, res: ServerResponse, app: RocketApp): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    const { route, params } = findRoute(url.pathname, req.method ?? 'GET');
    await route.handler({ req, res, url, params, app });
  } catch (err) {
    const production = process.env.NODE_ENV === 'production';
    const { status, body, headers: errorHeaders } = toErrorResponse(err, production);
    if (status >= 500) {
      app.log.error(body.error.message, {
        code: body.error.code,
        path: url.pathname,
        cause: String((err as Error)?.stack ?? err),
      });
    }
    const headers: Record<string, string> = { ...errorHeaders };
    // A body we stopped reading cannot be followed by another request on the same connection.
    if (!req.readableEnded && !req.rawBody) headers.connection = 'close';
    sendJson(res, status, body, headers);
  }
}
