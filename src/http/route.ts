import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { RocketApp } from '../app.js';
import type { BodyRequest } from './upload.js';

/** What a handler receives: the request, the response, the parsed URL, path parameters and the app. */
export interface RouteContext {
  req: BodyRequest;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  app: RocketApp;
  /** Aborts when the client disconnects before the response is complete. */
  signal: AbortSignal;
}

/**
 * How a route is admitted:
 * - `probe`: liveness/readiness; no API key, never queued.
 * - `cheap`: metadata, metrics, docs; API key, never queued behind inference.
 * - `work`: anything that runs the model; API key, admission control (MAX_INFLIGHT / MAX_QUEUE).
 */
export type RouteKind = 'probe' | 'cheap' | 'work';

/** One route. `path` may hold `{name}` segments, which become `params.name`. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';
  path: string;
  kind: RouteKind;
  handler(ctx: RouteContext): Promise<void> | void;
}

/** A request header's value, the first one when it was sent several times. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Sends a whole body once, with its Content-Length; a late second reply (e.g. an error after
 * success) is ignored.
 */
export function sendBody(
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string | number>,
): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends a JSON body once (see {@link sendBody}). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendBody(res, status, JSON.stringify(body), {
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  });
}

/** Compiles `/v2/models/{name}` into a matcher that returns the path parameters, or undefined. */
export function compilePath(path: string): (pathname: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const regex = new RegExp(`^${pattern}/?$`);
  return (pathname) => {
    const match = regex.exec(pathname);
    if (!match) return undefined;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1] as string)]));
  };
}
