import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ENTRY_POINTS, type EntryPoint, useServer } from '../helpers/server.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request with node:http (no Accept-Encoding, unlike fetch), and the bytes that came back. */
function send(url: string, method: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const entries = Object.keys(ENTRY_POINTS) as EntryPoint[];
const GET_ROUTES = ['/health', '/livez', '/readyz', '/', '/openapi.json', '/static/app.css', '/docs'];

describe.each(entries)('HEAD through %s', (entry) => {
  const server = useServer(entry);

  it.each(GET_ROUTES)('HEAD %s answers as GET does, without the body', async (path) => {
    const get = await send(`${server().url}${path}`, 'GET');
    const head = await send(`${server().url}${path}`, 'HEAD');
    expect(get.status).toBe(200);
    expect(head.status).toBe(get.status);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.body.length).toBe(0);
  });

  it('HEAD /metrics answers 200 with a Content-Length and no body', async () => {
    const head = await send(`${server().url}/metrics`, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
  });

  it('lists HEAD beside GET in the Allow header of a 405', async () => {
    const res = await send(`${server().url}/health`, 'DELETE');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('still refuses HEAD on a POST-only route with 405', async () => {
    const res = await send(`${server().url}/process`, 'HEAD');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });
});
