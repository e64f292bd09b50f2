import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS policy from CORS_ORIGINS: empty (off), `*`, or a comma-separated list of origins. The W3C
 * trace headers are allowed in and `traceparent` exposed whether or not tracing is on: harmless
 * when it is off, and a browser app needs no change when it is turned on.
 */
export class Cors {
  private readonly any: boolean;
  private readonly origins: Set<string>;

  constructor(setting: string) {
    const list = setting
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean);
    this.any = list.includes('*');
    this.origins = new Set(list);
  }

  /**
   * Adds the CORS response headers for an allowed Origin. Returns true when the request was a
   * preflight (OPTIONS with Access-Control-Request-Method) and has been answered with 204.
   */
  apply(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (!origin || !(this.any || this.origins.has(origin))) return false;
    res.setHeader('access-control-allow-origin', this.any ? '*' : origin);
    if (!this.any) res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'retry-after, content-type, traceparent, x-error-code');
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'authorization, x-api-key, content-type, inference-header-content-length, traceparent, tracestate',
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  }
}
