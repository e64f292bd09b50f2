import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestLogFields, traceOf } from '../../src/serving/access-log.js';

const req = (headers: Record<string, string>) =>
  ({
    headers,
    method: 'POST',
    url: '/process?x=1',
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;
const res = { statusCode: 200, getHeader: () => 123 } as unknown as ServerResponse;

describe('request log fields', () => {
  it('reads X-Cloud-Trace-Context and links it to the project', () => {
    const fields = requestLogFields(
      req({ 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' }),
      res,
      0.0123,
      'my-project',
    );
    expect(fields['logging.googleapis.com/trace']).toBe(
      'projects/my-project/traces/105445aa7843bc8bf206b12000100000',
    );
    expect(fields['logging.googleapis.com/spanId']).toBe('1');
    expect(fields.httpRequest).toMatchObject({
      requestMethod: 'POST',
      status: 200,
      latency: '0.012300s',
      responseSize: '123',
    });
  });

  it('reads W3C traceparent', () => {
    expect(traceOf(req({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }))).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(traceOf(req({ traceparent: 'garbage' }))).toBeUndefined();
    expect(requestLogFields(req({}), res, 0, undefined)['logging.googleapis.com/trace']).toBeUndefined();
  });
});
