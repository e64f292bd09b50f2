import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { optimizedModelDir } from '../../src/inference/optimized-model.js';
import type { ResolveContext } from '../../src/rocket/sources/source.js';

/** A fake remote store on 127.0.0.1: a node:http server that records every request path. */
export interface FakeServer {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Starts `handler` on 127.0.0.1 at a free port. */
export async function startFake(handler: Handler): Promise<FakeServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Answers GET for the given paths with their bytes (and Content-Length), 404 otherwise. */
export function staticFiles(files: Record<string, Buffer | string>): Handler {
  return (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };
}

/** A fresh cache directory and a resolve context using it. */
export function cacheContext(overrides: Partial<ResolveContext> = {}): ResolveContext {
  return {
    cwd: tmpdir(),
    cacheDir: join(mkdtempSync(join(tmpdir(), 'rocket-cache-')), 'cache'),
    registry: '',
    maxBytes: 64 * 1024 * 1024,
    ...overrides,
  };
}

/**
 * The downloaded rockets a cache directory holds, partial downloads included (they start with a
 * dot); not the folder of onnxruntime's optimized copies of models that starts leave there.
 */
export function cacheListing(cacheDir: string): string[] {
  try {
    const copies = basename(optimizedModelDir(cacheDir));
    return readdirSync(cacheDir)
      .filter((name) => name !== copies)
      .sort();
  } catch {
    return [];
  }
}

/** The environment that points the Cloud Storage and S3 clients at a fake at `url`, with test credentials. */
export function cloudFakeEnv(url: string): Record<string, string> {
  return {
    STORAGE_EMULATOR_HOST: url,
    AWS_ENDPOINT_URL_S3: url,
    AWS_ACCESS_KEY_ID: 'test-key',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
