import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { BodyRequest } from '../http/upload.js';
import type { LambdaHttpEvent } from './events.js';

/** The event's body as bytes: base64-decoded when AWS encoded it, UTF-8 otherwise. */
export function eventBody(event: LambdaHttpEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * The request path the routes see: `rawPath` without an HTTP API stage prefix (`/prod/process` on
 * stage `prod` is `/process`), then `?rawQueryString` as sent, so repeated and unknown query
 * parameters reach the parameter checks exactly as over HTTP.
 */
export function eventUrl(event: LambdaHttpEvent): string {
  let path = event.rawPath || event.requestContext.http.path || '/';
  const stage = event.requestContext.stage;
  if (stage && stage !== '$default') {
    const prefix = `/${stage}`;
    if (path === prefix) path = '/';
    else if (path.startsWith(`${prefix}/`)) path = path.slice(prefix.length);
  }
  return event.rawQueryString ? `${path}?${event.rawQueryString}` : path;
}

/**
 * Turns a payload v2.0 event into the request the shared router takes: a readable stream of the
 * body that also carries it buffered as `rawBody` (as functions-framework does), with the method,
 * URL, headers (cookies folded back into `cookie`, `content-length` set to the decoded size) and
 * the client address.
 */
export function toRequest(event: LambdaHttpEvent, body: Buffer = eventBody(event)): BodyRequest {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  delete headers['transfer-encoding'];
  if (body.length > 0) headers['content-length'] = String(body.length);
  else delete headers['content-length'];

  const http = event.requestContext.http;
  const stream = Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  const fields = {
    method: http.method.toUpperCase(),
    url: eventUrl(event),
    headers,
    rawHeaders: Object.entries(headers).flatMap(([k, v]) => [k, String(v)]),
    httpVersion: (http.protocol ?? 'HTTP/1.1').replace(/^HTTP\//, ''),
    socket: { remoteAddress: http.sourceIp, encrypted: true },
    complete: true,
    rawBody: body,
  };
  return Object.assign(stream, fields) as unknown as BodyRequest;
}
