import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { createLogger } from '../../src/log.js';
import { fetchProjectId, GcpProject } from '../../src/serving/gcp-project.js';
import { freePort } from '../helpers/server.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/**
 * A local stand-in for the metadata server: answers the project-id path with `id` (only with
 * `Metadata-Flavor: Google`, like the real one), and records the requests it got. `respond`
 * replaces the answer. Resolves with its `host:port`.
 */
async function fakeMetadata(
  id: string,
  respond?: (res: import('node:http').ServerResponse) => void,
): Promise<{ host: string; seen: { url?: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { url?: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    if (respond) return respond(res);
    if (req.headers['metadata-flavor'] !== 'Google') return res.writeHead(403).end();
    if (req.url !== '/computeMetadata/v1/project/project-id') return res.writeHead(404).end();
    res.writeHead(200, { 'metadata-flavor': 'Google', 'content-type': 'application/text' }).end(id);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('fetchProjectId', () => {
  it('asks the metadata server with Metadata-Flavor: Google and returns the project id', async () => {
    const fake = await fakeMetadata('my-project-123');
    expect(await fetchProjectId(fake.host)).toBe('my-project-123');
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]?.headers['metadata-flavor']).toBe('Google');
  });

  it('fails fast where nothing listens, as off Google Cloud', async () => {
    const started = Date.now();
    expect(await fetchProjectId(`127.0.0.1:${await freePort()}`)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('gives up after its timeout on a server that never answers', async () => {
    const fake = await fakeMetadata('unused', () => {});
    const started = Date.now();
    expect(await fetchProjectId(fake.host, 200)).toBeUndefined();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(2000);
  });

  it.each([
    ['an answer without Metadata-Flavor: Google', (r: import('node:http').ServerResponse) => r.end('p')],
    [
      'a 404',
      (r: import('node:http').ServerResponse) => r.writeHead(404, { 'metadata-flavor': 'Google' }).end(),
    ],
    [
      'something that is not a project id',
      (r: import('node:http').ServerResponse) =>
        r.writeHead(200, { 'metadata-flavor': 'Google' }).end('<html>'),
    ],
  ])('refuses %s', async (_, respond) => {
    const fake = await fakeMetadata('', respond);
    expect(await fetchProjectId(fake.host)).toBeUndefined();
  });
});

describe('GcpProject', () => {
  const quiet = createLogger('error');

  it('uses GOOGLE_CLOUD_PROJECT when set, and never asks the metadata server', async () => {
    const fake = await fakeMetadata('from-metadata');
    const project = new GcpProject('configured', fake.host, quiet);
    expect(project.id).toBe('configured');
    expect(await project.resolved).toBe('configured');
    expect(fake.seen).toHaveLength(0);
  });

  it('asks the metadata server once, in the background, and keeps the answer', async () => {
    const fake = await fakeMetadata('from-metadata');
    const lines: string[] = [];
    const project = new GcpProject(
      '',
      fake.host,
      createLogger('info', (l) => lines.push(l)),
    );
    expect(project.id).toBeUndefined(); // nothing waited for it
    expect(await project.resolved).toBe('from-metadata');
    expect(project.id).toBe('from-metadata');
    expect(project.id).toBe('from-metadata');
    expect(fake.seen).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ project: 'from-metadata' });
  });
});

describe('GCE_METADATA_HOST', () => {
  it.each([
    ['metadata.google.internal', true],
    ['169.254.169.254', true],
    ['127.0.0.1:8080', true],
    ['[::1]:8080', true],
    ['http://metadata.google.internal', false],
    ['host/path', false],
    ['user@host', false],
    ['', false],
  ])('%s → valid %s', (raw, valid) => {
    expect(OPTIONS.GCE_METADATA_HOST.parse(raw).ok).toBe(valid);
  });
});
