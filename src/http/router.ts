import type { ServerResponse } from 'node:http';
import type { RocketApp } from '../app.js';
import { RocketError, toErrorResponse } from '../errors.js';
import { parseProcessQuery } from './params.js';
import { type BodyRequest, readUpload } from './upload.js';

type Handler = (req: BodyRequest, res: ServerResponse, url: URL, app: RocketApp) => Promise<void> | void;

/** Every route: path → method → handler. Entry points share this table. */
const ROUTES: Record<string, Record<string, Handler>> = {
  '/process': { POST: processImage },
  '/health': { GET: health },
};

/** Sends a JSON body once; a late second reply (e.g. an error after success) is ignored. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.writableEnded) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/**
 * Handles one request against the app, whatever server received it (node:http or
 * functions-framework's Express). Errors map through the catalogue; 5xx causes go to the log.
 */
export async function handleRequest(req: BodyRequest, res: ServerResponse, app: RocketApp): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = ROUTES[url.pathname.replace(/(.)\/+$/, '$1')];
  try {
    if (!route) throw new RocketError('ROUTE_NOT_FOUND', `No route ${url.pathname}; see docs/api.md`);
    const handler = route[req.method ?? 'GET'];
    if (!handler) {
      res.setHeader('allow', Object.keys(route).join(', '));
      throw new RocketError(
        'METHOD_NOT_ALLOWED',
        `${url.pathname} accepts ${Object.keys(route).join(', ')}, not ${req.method}`,
      );
    }
    await handler(req, res, url, app);
  } catch (err) {
    const production = process.env.NODE_ENV === 'production';
    const { status, body } = toErrorResponse(err, production);
    if (status >= 500) {
      app.log.error(body.error.message, {
        code: body.error.code,
        path: url.pathname,
        cause: String((err as Error)?.stack ?? err),
      });
    }
    const headers: Record<string, string> = {};
    if (body.error.code === 'NOT_READY') headers['retry-after'] = '1';
    // A body we stopped reading cannot be followed by another request on the same connection.
    if (!req.readableEnded && !req.rawBody) headers.connection = 'close';
    sendJson(res, status, body, headers);
  }
}

async function processImage(req: BodyRequest, res: ServerResponse, url: URL, app: RocketApp): Promise<void> {
  const overrides = parseProcessQuery(url.searchParams);
  const pipeline = app.pipeline();
  const upload = await readUpload(req, { maxBytes: app.config.MAX_UPLOAD_BYTES, field: 'input' });
  sendJson(res, 200, await pipeline.process(upload.data, overrides));
}

function health(_req: BodyRequest, res: ServerResponse, _url: URL, app: RocketApp): void {
  const state = app.health();
  sendJson(res, state.status === 'ok' ? 200 : 503, state);
}
