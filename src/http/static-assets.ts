import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RocketError } from '../errors.js';
import { type RouteContext, sendBody } from './route.js';

/** A static file held in memory: its bytes, gzipped copy, content type and content hash. */
export interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  /** A hash of the content: the ETag, and the `?v=` that makes a URL cacheable for good. */
  hash: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** An asset from bytes; `name` gives the content type by extension. Text types are gzipped. */
export function makeAsset(name: string, body: Buffer): Asset {
  const type = TYPES[extname(name)] ?? 'application/octet-stream';
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  const gzip = /text|json|svg/.test(type) && body.length > 1024 ? gzipSync(body) : undefined;
  return { body, type, hash, ...(gzip ? { gzip } : {}) };
}

/** The allowed files of one directory, read once on first use. */
export class AssetDir {
  private readonly cache = new Map<string, Asset>();

  constructor(
    readonly dir: string,
    private readonly allowed: readonly string[],
  ) {}

  /** The file, or undefined when it is not allowed or does not exist. */
  get(name: string): Asset | undefined {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const path = join(this.dir, name);
    if (!this.allowed.includes(name) || !existsSync(path)) return undefined;
    const asset = makeAsset(name, readFileSync(path));
    this.cache.set(name, asset);
    return asset;
  }

  /** The file, or a 404 naming it. */
  require(name: string): Asset {
    const asset = this.get(name);
    if (!asset) throw new RocketError('ROUTE_NOT_FOUND', `No file ${name} here`);
    return asset;
  }
}

/**
 * Sends an asset with caching headers: pages are revalidated every time (`no-cache` + ETag);
 * files are cached for good when the URL carries their hash (`?v=`), for an hour otherwise.
 * Answers 304 to a matching If-None-Match, and gzip when the client accepts it.
 */
export function sendAsset({ req, res, url }: RouteContext, asset: Asset, kind: 'page' | 'file'): void {
  if (res.headersSent || res.writableEnded) return;
  const etag = `"${asset.hash}"`;
  const cacheControl =
    kind === 'page'
      ? 'no-cache'
      : url.searchParams.get('v') === asset.hash
        ? 'public, max-age=31536000, immutable'
        : 'public, max-age=3600';
  const headers: Record<string, string | number> = {
    etag,
    'cache-control': cacheControl,
    vary: 'accept-encoding',
  };
  const match = req.headers['if-none-match'];
  if (match?.split(',').some((t) => t.trim() === etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? (asset.gzip as Buffer) : asset.body;
  sendBody(res, 200, body, {
    ...headers,
    'content-type': asset.type,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    'x-content-type-options': 'nosniff',
  });
}
