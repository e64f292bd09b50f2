import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { meterBytesSent, requestLogFields, requestUrlOf, traceOf } from '../../src/serving/access-log.js';

const req = (headers: Record<string, string>, socket: object = { remoteAddress: '127.0.0.1' }) =>
  ({
    headers,
    method: 'POST',
    url: '/process?x=1',
    httpVersion: '1.1',
    socket,
  }) as unknown as IncomingMessage;
const res = { statusCode: 200 } as unknown as ServerResponse;

describe('request log fields', () => {
  it('reads X-Cloud-Trace-Context: the project link, the span id in hex and the sampling flag', () => {
    const fields = requestLogFields(
      req({ 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1', host: 'a.run.app' }),
      res,
      { latencyS: 0.0123, bytesSent: 321, projectId: 'my-project' },
    );
    expect(fields['logging.googleapis.com/trace']).toBe(
      'projects/my-project/traces/105445aa7843bc8bf206b12000100000',
    );
    expect(fields['logging.googleapis.com/spanId']).toBe('0000000000000001');
    expect(fields['logging.googleapis.com/trace_sampled']).toBe(true);
    expect(fields.httpRequest).toMatchObject({
      requestMethod: 'POST',
      requestUrl: 'http://a.run.app/process?x=1',
      status: 200,
      latency: '0.012300s',
      responseSize: '321',
    });
  });

  it.each([
    // The largest 64-bit span id, and a large one computed independently (Python's format(n, '016x')).
    ['105445aa7843bc8bf206b12000100000/18446744073709551615;o=0', 'ffffffffffffffff', false],
    ['105445aa7843bc8bf206b12000100000/2450020847219519553;o=1', '220038fad2d23041', true],
    ['105445aa7843bc8bf206b12000100000/255', '00000000000000ff', undefined],
    // Past 64 bits, or 0: no span.
    ['105445aa7843bc8bf206b12000100000/18446744073709551616;o=1', undefined, true],
    ['105445aa7843bc8bf206b12000100000/0', undefined, undefined],
  ])('X-Cloud-Trace-Context %s → span %s, sampled %s', (header, spanId, sampled) => {
    expect(traceOf(req({ 'x-cloud-trace-context': header }))).toEqual({
      traceId: '105445aa7843bc8bf206b12000100000',
      ...(spanId === undefined ? {} : { spanId }),
      ...(sampled === undefined ? {} : { sampled }),
    });
  });

  it('reads W3C traceparent, sampled from bit 0 of its flags', () => {
    const parent = (flags: string) => `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-${flags}`;
    expect(traceOf(req({ traceparent: parent('01') }))).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(traceOf(req({ traceparent: parent('00') }))?.sampled).toBe(false);
    expect(traceOf(req({ traceparent: parent('03') }))?.sampled).toBe(true);
    const fields = requestLogFields(req({ traceparent: parent('00') }), res, { latencyS: 0 });
    expect(fields['logging.googleapis.com/trace_sampled']).toBe(false);
    expect(fields['logging.googleapis.com/trace']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceOf(req({ traceparent: 'garbage' }))).toBeUndefined();
    expect(requestLogFields(req({}), res, { latencyS: 0 })['logging.googleapis.com/trace']).toBeUndefined();
  });

  it('leaves responseSize out when nothing was counted', () => {
    expect(requestLogFields(req({}), res, { latencyS: 0 }).httpRequest).not.toHaveProperty('responseSize');
  });
});

describe('requestUrlOf', () => {
  it.each([
    [{ host: 'localhost:5042' }, {}, 'http://localhost:5042/process?x=1'],
    [{ host: 'localhost:5042' }, { encrypted: true }, 'https://localhost:5042/process?x=1'],
    [
      { host: 'rocket-abc-uc.a.run.app', 'x-forwarded-proto': 'https' },
      {},
      'https://rocket-abc-uc.a.run.app/process?x=1',
    ],
    [
      {
        host: '10.0.0.7:8080',
        'x-forwarded-host': 'api.example.com, lb.internal',
        'x-forwarded-proto': 'https,http',
      },
      {},
      'https://api.example.com/process?x=1',
    ],
    [{}, {}, '/process?x=1'],
  ])('%j on %j → %s', (headers, socket, url) => {
    expect(requestUrlOf(req(headers, socket))).toBe(url);
  });
});

describe('meterBytesSent', () => {
  /**
   * A server answering GET /N with N bytes (the first request late, so the others queue behind
   * it), recording what meterBytesSent counted per path; and one connection that sends `paths`
   * pipelined, returning the bytes each response took on the wire.
   */
  async function exchange(paths: string[], chunked = false) {
    const counted = new Map<string, number | undefined>();
    const server = createServer((rq, rs) => {
      const read = meterBytesSent(rq, rs);
      rs.once('finish', () => counted.set(rq.url ?? '', read()));
      const n = Number(rq.url?.slice(1));
      setTimeout(
        () => {
          if (chunked) {
            rs.write('x'.repeat(n - 1));
            rs.end('x');
          } else {
            rs.writeHead(200, { 'content-length': n }).end('x'.repeat(n));
          }
        },
        rq.url === paths[0] ? 50 : 0,
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`).join(''));
    let wire = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      wire += d;
    });
    while (counted.size < paths.length) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    server.close();
    const onWire = wire.split(/(?=HTTP\/1\.1 200)/).map((r) => r.length);
    return { counted: paths.map((p) => counted.get(p)), onWire };
  }

  it('counts headers and body exactly, per response, on one pipelined keep-alive connection', async () => {
    const { counted, onWire } = await exchange(['/100', '/7', '/33']);
    expect(onWire).toHaveLength(3);
    expect(counted).toEqual(onWire);
    expect(counted[0]).toBeGreaterThan(100);
  });

  it('counts the chunked framing of a response without Content-Length', async () => {
    const { counted, onWire } = await exchange(['/40', '/9'], true);
    expect(counted).toEqual(onWire);
  });

  it('gives nothing without a socket (Lambda)', () => {
    const read = meterBytesSent(req({}, { remoteAddress: '1.2.3.4' }), res);
    expect(read()).toBeUndefined();
  });
});
