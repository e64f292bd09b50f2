import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packRocket } from '../../src/commands/pack.js';
import { decodeModelProto, encodeModelProto } from '../../src/onnx/proto.js';
import { resolveRocketUrl } from '../../src/rocket/resolve.js';
import { verifyModelFile } from '../../src/rocket/sources/verify.js';
import { rejected } from '../helpers/errors.js';
import { buildColourClassifier, writeColourRocket } from '../helpers/models.js';
import { failedStartup, startServer } from '../helpers/server.js';
import { cacheContext, cacheListing } from './fakes.js';

const model = Buffer.from(buildColourClassifier());

/**
 * A server that answers every request the old way: no Content-Length, no chunked encoding, the
 * body ended by closing the connection. `body(n)` gives the bytes for the n-th request (from 1),
 * so a cut-off download looks to the client exactly like a complete one.
 */
async function closeDelimited(body: (n: number) => Buffer) {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', () => {
      count += 1;
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\nconnection: close\r\n\r\n');
      socket.end(body(count));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function writeTemp(bytes: Uint8Array): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'rocket-verify-')), 'model.onnx');
  writeFileSync(file, bytes);
  return file;
}

describe('verifyModelFile', () => {
  it('accepts a whole model', async () => {
    await expect(verifyModelFile(await writeTemp(model), 'http://h/m.onnx')).resolves.toBeUndefined();
  });

  it('refuses the model cut at every length, as ROCKET_DOWNLOAD_FAILED', async () => {
    // Byte 0 is the ir_version tag, which is all the old check looked at.
    const passed: number[] = [];
    for (let cut = 1; cut < model.length; cut++) {
      const err = await rejected(verifyModelFile(await writeTemp(model.subarray(0, cut)), 'http://h/m.onnx'));
      if (err.code !== 'ROCKET_DOWNLOAD_FAILED') passed.push(cut);
    }
    expect(passed).toEqual([]);
  });

  it('refuses a model whose operator-set list was cut short', async () => {
    const proto = decodeModelProto(model);
    const graph = proto.graph ?? {};
    const ml = { ...graph, node: [...(graph.node ?? []), { ...graph.node?.[0], domain: 'ai.onnx.ml' }] };
    const bytes = encodeModelProto({ ...proto, graph: ml as typeof graph });
    const err = await rejected(verifyModelFile(await writeTemp(bytes), 'http://h/m.onnx'));
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain('ai.onnx.ml');
  });

  it('leaves a whole model onnxruntime cannot load to MODEL_LOAD_FAILED', async () => {
    const proto = decodeModelProto(model);
    const graph = proto.graph ?? {};
    const contrib = { ...graph, node: (graph.node ?? []).map((n) => ({ ...n, domain: 'ai.onnx.contrib' })) };
    const opsetImport = [{ domain: 'ai.onnx.contrib', version: 1 }];
    const bytes = encodeModelProto({ ...proto, graph: contrib as typeof graph, opsetImport });
    const err = await rejected(verifyModelFile(await writeTemp(bytes), 'http://h/m.onnx'));
    expect(err.code).toBe('MODEL_LOAD_FAILED');
  });
});

describe('a download cut short without Content-Length', () => {
  let archive: Buffer;
  beforeAll(async () => {
    const out = await mkdtemp(join(tmpdir(), 'rocket-pack-'));
    archive = readFileSync((await packRocket(writeColourRocket(), { outDir: out })).archive);
  });

  it('fails with ROCKET_DOWNLOAD_FAILED, caches nothing, and a later good download succeeds', async () => {
    const server = await closeDelimited((n) => (n === 1 ? model.subarray(0, model.length >> 1) : model));
    const ctx = cacheContext();
    const url = `${server.url}/models/colour.onnx`;
    const err = await rejected(resolveRocketUrl(url, ctx));
    expect(err.code).toBe('ROCKET_DOWNLOAD_FAILED');
    expect(err.message).toContain(url);
    expect(err.message).toContain('not a whole ONNX model');
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
    const ok = await resolveRocketUrl(url, ctx);
    await server.close();
    expect(readFileSync(ok.path).equals(model)).toBe(true);
    expect(server.requests()).toBe(2);
  });

  it('refuses a rocket.tar.gz cut short, caching nothing', async () => {
    const server = await closeDelimited(() => archive.subarray(0, archive.length - 6));
    const ctx = cacheContext();
    const err = await rejected(resolveRocketUrl(`${server.url}/rocket.tar.gz`, ctx));
    await server.close();
    expect(err.code).toBe('ROCKET_ARCHIVE_INVALID');
    expect(err.message).toMatch(/unexpected end of file/);
    expect(cacheListing(ctx.cacheDir)).toEqual([]);
  });

  it('stops a server start clearly, and the next start against a good server serves', async () => {
    const server = await closeDelimited((n) => (n === 1 ? model.subarray(0, model.length >> 1) : model));
    const cacheDir = join(await mkdtemp(join(tmpdir(), 'rocket-cache-')), 'cache');
    const env = { ROCKET_URL: `${server.url}/models/colour.onnx`, CACHE_DIR: cacheDir };
    const failed = await failedStartup('npm start server', env);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('ROCKET_DOWNLOAD_FAILED');
    expect(failed.output).toContain(`${server.url}/models/colour.onnx`);
    expect(cacheListing(cacheDir)).toEqual([]);
    const good = await startServer('npm start server', env);
    const health = await (await fetch(`${good.url}/health`)).json();
    await good.stop();
    await server.close();
    expect(health).toMatchObject({ status: 'ok' });
    expect(server.requests()).toBe(2);
  }, 60_000);
});
