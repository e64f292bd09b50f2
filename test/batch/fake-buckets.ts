import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CRC32C } from '@google-cloud/storage';
import { cloudFakeEnv, type FakeServer, startFake } from '../rocket/fakes.js';

/**
 * A prefix of a bucket whose objects are made up on demand: `count` keys
 * `<prefix>img-000000.png`, ... all with the same bytes. Nothing per key is kept.
 */
export interface VirtualObjects {
  bucket: string;
  prefix: string;
  count: number;
  body: Buffer;
}

/** One fake for both stores, over one map of objects keyed `bucket/key`. */
export interface FakeBuckets extends FakeServer {
  objects: Map<string, Buffer>;
  /** The environment that points the Cloud Storage and S3 clients at the fake. */
  env: Record<string, string>;
  /** Adds virtual objects (see {@link VirtualObjects}). */
  virtual(objects: VirtualObjects): void;
  /** Keys under `bucket/prefix` that the map holds, sorted. */
  keys(bucket: string, prefix: string): string[];
}

/** Cloud Storage's checksum of an object, base64, as its metadata gives it. */
function crc32c(data: Buffer): string {
  const crc = new CRC32C();
  crc.update(data);
  return crc.toString();
}

const virtualKey = (v: VirtualObjects, i: number) => `${v.prefix}img-${String(i).padStart(6, '0')}.png`;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The payload of an S3 `aws-chunked` body: `<hex size>[;chunk-signature=...]\r\n<data>\r\n` ... `0\r\n<trailers>`. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = Number.parseInt(raw.toString('latin1', at, eol).split(';')[0] as string, 16);
    if (!size) return Buffer.concat(parts);
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** The media part of a Cloud Storage `multipart/related` upload (its second part). */
function multipartMedia(raw: Buffer, contentType: string): Buffer {
  const boundary = Buffer.from(`--${/boundary=([^;]+)/.exec(contentType)?.[1]}`);
  const second = raw.indexOf(boundary, raw.indexOf(boundary) + boundary.length);
  const start = raw.indexOf('\r\n\r\n', second) + 4;
  const end = raw.indexOf(boundary, start);
  return raw.subarray(start, end - 2); // less the CRLF before the boundary
}

const xml = (res: ServerResponse, status: number, text: string) =>
  res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(`<?xml version="1.0" encoding="UTF-8"?>${text}`);
const json = (res: ServerResponse, status: number, value: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Starts a fake Cloud Storage (JSON API: list, media download, multipart upload, delete) and S3
 * (ListObjectsV2, GetObject, PutObject with aws-chunked bodies, DeleteObject) on 127.0.0.1, the
 * way test/rocket/cloud-sources.test.ts fakes their downloads. Listings are paged like the real
 * stores (lexicographic, `maxResults` / `max-keys` per page, a token to go on).
 */
export async function startFakeBuckets(): Promise<FakeBuckets> {
  const objects = new Map<string, Buffer>();
  const virtuals: VirtualObjects[] = [];

  const keys = (bucket: string, prefix: string) =>
    [...objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`))
      .map((k) => k.slice(bucket.length + 1))
      .sort();

  /** One page of keys under a prefix, from `after` (an index), and the index to go on from. */
  function page(
    bucket: string,
    prefix: string,
    after: number,
    max: number,
  ): { keys: string[]; next?: number } {
    const v = virtuals.find((x) => x.bucket === bucket && x.prefix.startsWith(prefix));
    const count = v ? v.count : keys(bucket, prefix).length;
    const end = Math.min(count, after + max);
    const all = v ? undefined : keys(bucket, prefix);
    const out = Array.from({ length: end - after }, (_, i) =>
      v ? virtualKey(v, after + i) : (all?.[after + i] as string),
    );
    return { keys: out, next: end < count ? end : undefined };
  }

  function get(bucket: string, key: string): Buffer | undefined {
    const v = virtuals.find((x) => x.bucket === bucket && key.startsWith(x.prefix));
    if (v && /img-\d{6}\.png$/.test(key) && Number(key.slice(-10, -4)) < v.count) return v.body;
    return objects.get(`${bucket}/${key}`);
  }

  async function gs(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      const name = url.searchParams.get('name') as string;
      const data = multipartMedia(await body(req), req.headers['content-type'] ?? '');
      objects.set(`${upload[1]}/${name}`, data);
      json(res, 200, {
        bucket: upload[1],
        name,
        size: String(data.length),
        md5Hash: createHash('md5').update(data).digest('base64'),
        crc32c: crc32c(data),
      });
      return true;
    }
    const list = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const bucket = list[1] as string;
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Number(url.searchParams.get('maxResults') ?? 1000);
      const found = page(bucket, prefix, Number(url.searchParams.get('pageToken') ?? 0), max);
      json(res, 200, {
        kind: 'storage#objects',
        items: found.keys.map((name) => ({ kind: 'storage#object', bucket, name })),
        ...(found.next === undefined ? {} : { nextPageToken: String(found.next) }),
      });
      return true;
    }
    const object = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
    if (!object) return false;
    const [bucket, key] = [object[1] as string, decodeURIComponent(object[2] as string)];
    if (req.method === 'DELETE') {
      const existed = objects.delete(`${bucket}/${key}`);
      if (existed) res.writeHead(204).end();
      else json(res, 404, { error: { code: 404, message: 'No such object' } });
      return true;
    }
    const data = get(bucket, key);
    if (!data) json(res, 404, { error: { code: 404, message: `No such object: ${bucket}/${key}` } });
    else
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length })
        .end(data);
    return true;
  }

  async function s3(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Number(url.searchParams.get('max-keys') ?? 1000);
      const found = page(bucket, prefix, Number(url.searchParams.get('continuation-token') ?? 0), max);
      const contents = found.keys.map((k) => `<Contents><Key>${escapeXml(k)}</Key><Size>1</Size></Contents>`);
      const next =
        found.next === undefined ? '' : `<NextContinuationToken>${found.next}</NextContinuationToken>`;
      xml(
        res,
        200,
        `<ListBucketResult><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${found.keys.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${found.next !== undefined}</IsTruncated>${contents.join('')}${next}</ListBucketResult>`,
      );
      return;
    }
    if (req.method === 'PUT') {
      const raw = await body(req);
      objects.set(
        `${bucket}/${key}`,
        req.headers['content-encoding'] === 'aws-chunked' ? decodeAwsChunked(raw) : raw,
      );
      res.writeHead(200, { etag: '"fake"' }).end();
      return;
    }
    if (req.method === 'DELETE') {
      objects.delete(`${bucket}/${key}`);
      res.writeHead(204).end();
      return;
    }
    const data = get(bucket, key);
    if (!data) xml(res, 404, '<Error><Code>NoSuchKey</Code><Message>No such key</Message></Error>');
    else
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length })
        .end(data);
  }

  const fake = await startFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    gs(req, res, url)
      .then((handled) => (handled ? undefined : s3(req, res, url)))
      .catch((err: Error) => res.writeHead(500).end(err.message));
  });
  return {
    ...fake,
    objects,
    keys,
    virtual: (v) => virtuals.push(v),
    env: cloudFakeEnv(fake.url),
  };
}
