import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, ROOT, startServer } from '../helpers/server.js';

/** Runs a script with node; resolves with its exit code and output (never rejects). */
function node(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { PATH: process.env.PATH, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

const BAKE = join(ROOT, 'scripts', 'bake-rocket.mjs');

function rocketDir(files: Record<string, string>): { dir: string; out: string } {
  const base = mkdtempSync(join(tmpdir(), 'bake-'));
  const dir = join(base, 'rocket');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, out: join(base, 'out') };
}

const configOf = (out: string) => readFileSync(join(out, 'config.ini'), 'utf8');

describe('scripts/bake-rocket.mjs (the Dockerfile rocket stage)', () => {
  it('bakes nothing from the default directory: the image serves the demo rocket', async () => {
    const { dir, out } = rocketDir({ 'README.md': '# nothing here' });
    const { code, output } = await node([BAKE, dir, out]);
    expect(code).toBe(0);
    expect(output).toContain('embedded demo rocket');
    expect(existsSync(join(out, 'config.ini'))).toBe(false);
  });

  it('points ROCKET_URL at a single .onnx file, or at a directory with rocket.json', async () => {
    const single = rocketDir({ 'yolov8n.onnx': 'model' });
    expect((await node([BAKE, single.dir, single.out])).code).toBe(0);
    expect(configOf(single.out)).toContain(`ROCKET_URL = ${join(single.dir, 'yolov8n.onnx')}\n`);
    const manifest = rocketDir({ 'rocket.json': '{}', 'a.onnx': 'a', 'b.onnx': 'b' });
    expect((await node([BAKE, manifest.dir, manifest.out])).code).toBe(0);
    expect(configOf(manifest.out)).toContain(`ROCKET_URL = ${manifest.dir}\n`);
  });

  it('refuses two models without a manifest, and a URL that is not http(s)', async () => {
    const two = rocketDir({ 'a.onnx': 'a', 'b.onnx': 'b' });
    const ambiguous = await node([BAKE, two.dir, two.out]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.output).toContain('2 .onnx files and no rocket.json');
    const ftp = rocketDir({});
    expect((await node([BAKE, ftp.dir, ftp.out, 'ftp://example.com/m.onnx'])).code).toBe(1);
  });

  it('downloads ROCKET_FETCH_URL at build time, and fails the build on an HTTP error', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/models/detector.onnx') res.end('onnx bytes');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { dir, out } = rocketDir({ 'README.md': '' });
      expect((await node([BAKE, dir, out, `${base}/models/detector.onnx`])).code).toBe(0);
      expect(readFileSync(join(dir, 'detector.onnx'), 'utf8')).toBe('onnx bytes');
      expect(configOf(out)).toContain(`ROCKET_URL = ${join(dir, 'detector.onnx')}`);
      const missing = rocketDir({});
      const failed = await node([BAKE, missing.dir, missing.out, `${base}/nope.onnx`]);
      expect(failed.code).toBe(1);
      expect(failed.output).toContain('HTTP 404');
    } finally {
      server.close();
    }
  });
});

describe('scripts/healthcheck.mjs (the images HEALTHCHECK)', () => {
  const HEALTHCHECK = join(ROOT, 'scripts', 'healthcheck.mjs');
  const emptyDir = () => mkdtempSync(join(tmpdir(), 'hc-'));

  it('passes against a ready server on the configured port, read from config.ini too', async () => {
    const server = await startServer('npm start server');
    try {
      const port = new URL(server.url).port;
      expect((await node([HEALTHCHECK], { PORT: port }, emptyDir())).code).toBe(0);
      const dir = emptyDir();
      writeFileSync(join(dir, 'config.ini'), `[DEFAULT]\nPORT = ${port}\n`);
      expect((await node([HEALTHCHECK], {}, dir)).code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('fails when nothing answers, and on an invalid configuration', async () => {
    const closed = await node([HEALTHCHECK], { PORT: String(await freePort()) }, emptyDir());
    expect(closed.code).toBe(1);
    expect(closed.output).toMatch(/\/health is unreachable: ECONNREFUSED/);
    const invalid = await node([HEALTHCHECK], { PORT: 'eighty' }, emptyDir());
    expect(invalid.code).toBe(1);
    expect(invalid.output).toContain('CONFIG_INVALID');
  });
});
