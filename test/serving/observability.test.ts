import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORTED_ERROR_EVENT } from '../../src/log.js';
import { GraphBuilder } from '../../src/onnx/build.js';
import { DataType } from '../../src/onnx/data-types.js';
import { json } from '../helpers/http.js';
import { ENTRY_POINTS, type EntryPoint, failedStartup, useServer } from '../helpers/server.js';

/**
 * A one-feature tabular rocket that looks its feature up in a table of 4: `table[int(f)]`. Rows
 * of 0 to 3 answer; any other value makes onnxruntime's Gather fail inside session.run, which is
 * a real 500 INFERENCE_FAILED.
 */
function writeLookupRocket(): string {
  const g = new GraphBuilder({ name: 'lookup' });
  const x = g.input('float_input', 'float32', ['N', 1]);
  const index = g.op('Cast', [x], { to: { int: DataType.INT64 } });
  const table = g.initializer('table', new Float32Array([10, 20, 30, 40]), [4]);
  g.node('Gather', [table, index], { axis: { int: 0 } }, ['variable']);
  g.output('variable', 'float32', ['N', 1]);
  const dir = mkdtempSync(join(tmpdir(), 'rocket-lookup-'));
  writeFileSync(join(dir, 'lookup.onnx'), g.toBytes());
  const manifest = { name: 'lookup', version: '1', task: 'tabular', model: 'lookup.onnx' };
  writeFileSync(join(dir, 'rocket.json'), JSON.stringify(manifest));
  return dir;
}

const metadataServers: Server[] = [];
afterAll(() => {
  for (const s of metadataServers) s.close();
});

/** A local metadata server answering the project id, counting the requests it gets. */
async function startMetadata(): Promise<{ host: string; requests: () => number }> {
  let requests = 0;
  const metadata = createServer((req, res) => {
    requests++;
    if (req.headers['metadata-flavor'] !== 'Google') res.writeHead(403).end();
    else res.writeHead(200, { 'metadata-flavor': 'Google' }).end('fake-project');
  });
  metadataServers.push(metadata);
  metadata.listen(0, '127.0.0.1');
  await once(metadata, 'listening');
  return { host: `127.0.0.1:${(metadata.address() as AddressInfo).port}`, requests: () => requests };
}

/**
 * Sends `request` (with `Connection: close`) as is on a new connection and resolves with every
 * byte of the answer, once the server has closed it. The client does not half-close first: node:http
 * would take that as the client going away.
 */
async function raw(url: string, request: string): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  socket.setEncoding('latin1');
  let answer = '';
  socket.on('data', (d: string) => {
    answer += d;
  });
  socket.write(request);
  await once(socket, 'close');
  return answer;
}

/** The JSON log lines of a server that mention `needle`. */
const linesWith = (output: string, needle: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes(needle))
    .map((l) => JSON.parse(l));

describe.each(['npm start server', 'functions-framework'] as const)(
  'logs, traces and metrics that the platforms understand (%s, tabular rocket, fake metadata server)',
  (entry) => {
    let metadata: Awaited<ReturnType<typeof startMetadata>>;
    const server = useServer(entry, async () => {
      metadata = await startMetadata();
      return { ROCKET_URL: writeLookupRocket(), GCE_METADATA_HOST: metadata.host };
    });
    const trace = '105445aa7843bc8bf206b12000100000';

    it('logs the bytes sent, the full URL and a Cloud Trace link with the project from the metadata server', async () => {
      const body = '{"inputs": [[2]]}';
      const answer = await raw(
        server().url,
        [
          'POST /process HTTP/1.1',
          'Host: 10.0.0.7:8080',
          'X-Forwarded-Proto: https',
          'X-Forwarded-Host: lookup-abc-uc.a.run.app',
          `X-Cloud-Trace-Context: ${trace}/2450020847219519553;o=1`,
          'Content-Type: application/json',
          `Content-Length: ${body.length}`,
          'Connection: close',
          '',
          body,
        ].join('\r\n'),
      );
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      await new Promise((r) => setTimeout(r, 50));
      const [line, ...more] = linesWith(server().output(), trace);
      expect(more).toHaveLength(0);
      expect(line).toMatchObject({
        severity: 'INFO',
        'logging.googleapis.com/trace': `projects/fake-project/traces/${trace}`,
        'logging.googleapis.com/spanId': '220038fad2d23041',
        'logging.googleapis.com/trace_sampled': true,
        httpRequest: {
          requestUrl: 'https://lookup-abc-uc.a.run.app/process',
          responseSize: String(answer.length),
          status: 200,
        },
      });
      expect(metadata.requests()).toBe(1);
    });

    it('logs a 500 as an Error Reporting event, and counts the failed inference run by code', async () => {
      const res = await fetch(`${server().url}/process`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${'b'.repeat(32)}-${'c'.repeat(16)}-00`,
        },
        body: '{"inputs": [[7]]}',
      });
      expect(res.status).toBe(500);
      expect((await json(res)).error.code).toBe('INFERENCE_FAILED');
      await new Promise((r) => setTimeout(r, 50));
      const reports = linesWith(server().output(), REPORTED_ERROR_EVENT);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({
        severity: 'ERROR',
        code: 'INFERENCE_FAILED',
        '@type': REPORTED_ERROR_EVENT,
      });
      // The V8 stack, as Error Reporting parses it: "Name: message", then "    at" frames.
      expect(reports[0].stack_trace).toMatch(/^RocketError: .+\n {4}at /);
      const access = linesWith(server().output(), 'b'.repeat(32));
      expect(access[0]).toMatchObject({ severity: 'ERROR', 'logging.googleapis.com/trace_sampled': false });
      expect(access[0]).not.toHaveProperty('@type'); // the request line reports no exception itself

      const families = parsePrometheusTextFormat(await (await fetch(`${server().url}/metrics`)).text());
      const failures = families.find((f) => f.name === 'rocket_inference_failures_total');
      expect(failures?.metrics).toEqual([{ labels: { code: 'INFERENCE_FAILED' }, value: '1' }]);
      expect(metadata.requests()).toBe(1);
    });

    it('reports a 500 on /v2 infer to Error Reporting the same way', async () => {
      const input = { name: 'float_input', shape: [1, 1], datatype: 'FP32', data: [9] };
      const res = await fetch(`${server().url}/v2/models/lookup/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [input] }),
      });
      expect(res.status).toBe(500);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
      const reports = linesWith(server().output(), REPORTED_ERROR_EVENT);
      expect(reports).toHaveLength(2);
      expect(reports[1]).toMatchObject({ severity: 'ERROR', path: '/v2/models/lookup/infer' });
      expect(reports[1].stack_trace).toMatch(/^RocketError: .+\n {4}at /);
      const families = parsePrometheusTextFormat(await (await fetch(`${server().url}/metrics`)).text());
      const failures = families.find((f) => f.name === 'rocket_inference_failures_total');
      expect(failures?.metrics).toEqual([{ labels: { code: 'INFERENCE_FAILED' }, value: '2' }]);
    });
  },
);

describe.each(Object.keys(ENTRY_POINTS) as EntryPoint[])('a rocket that fails to load (%s)', (entry) => {
  it('logs one Error Reporting event with the code and the stack', async () => {
    const missing = join(tmpdir(), 'no-such-rocket.onnx');
    const { code, output } = await failedStartup(entry, { ROCKET_URL: missing });
    expect(code).not.toBe(0);
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.message === 'rocket failed to load');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ severity: 'ERROR', '@type': REPORTED_ERROR_EVENT });
    expect(lines[0].code).toMatch(/^[A-Z_]+$/);
    expect(lines[0].stack_trace).toMatch(/\n\s+at /);
  });
});
