import { describe, expect, it } from 'vitest';
import type { LambdaHttpEvent } from '../../src/lambda/events.js';
import { eventBody, eventUrl, toRequest } from '../../src/lambda/request.js';
import { LambdaResponse } from '../../src/lambda/response.js';

const event = (overrides: Partial<LambdaHttpEvent> = {}): LambdaHttpEvent => ({
  version: '2.0',
  rawPath: '/process',
  rawQueryString: '',
  headers: {},
  requestContext: { http: { method: 'POST', sourceIp: '198.51.100.24' }, stage: '$default' },
  ...overrides,
});

describe('Lambda request adapter', () => {
  it('decodes base64 bodies and keeps text bodies as UTF-8', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x10]);
    expect(eventBody(event({ body: bytes.toString('base64'), isBase64Encoded: true }))).toEqual(bytes);
    expect(eventBody(event({ body: 'héllo', isBase64Encoded: false })).toString('utf8')).toBe('héllo');
    expect(eventBody(event())).toHaveLength(0);
  });

  it('strips a named HTTP API stage and keeps the raw query string', () => {
    const ctx = (stage: string) => ({ http: { method: 'GET' }, stage });
    expect(eventUrl(event({ rawPath: '/prod/process', requestContext: ctx('prod') }))).toBe('/process');
    expect(eventUrl(event({ rawPath: '/prod', requestContext: ctx('prod') }))).toBe('/');
    expect(eventUrl(event({ rawPath: '/production/x', requestContext: ctx('prod') }))).toBe('/production/x');
    expect(
      eventUrl(
        event({ rawPath: '/process', rawQueryString: 'iou=0.5&iou=0.6', requestContext: ctx('$default') }),
      ),
    ).toBe('/process?iou=0.5&iou=0.6');
  });

  it('builds a readable request with rawBody, the decoded length, cookies and the client address', async () => {
    const body = Buffer.from('0123456789');
    const req = toRequest(
      event({
        headers: { 'Content-Type': 'image/png', 'content-length': '16', 'transfer-encoding': 'chunked' },
        cookies: ['a=1', 'b=2'],
        body: body.toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/process');
    expect(req.headers).toEqual({ 'content-type': 'image/png', 'content-length': '10', cookie: 'a=1; b=2' });
    expect(req.rawBody).toEqual(body);
    expect(req.socket.remoteAddress).toBe('198.51.100.24');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(body);
  });
});

describe('Lambda response collector', () => {
  it('returns JSON as text and keeps writeHead headers', () => {
    const res = new LambdaResponse();
    let finished = false;
    res.on('finish', () => {
      finished = true;
    });
    res.writeHead(201, { 'Content-Type': 'application/json; charset=utf-8', 'x-count': 3 });
    res.end('{"ok":true}');
    expect(finished).toBe(true);
    expect(res.toResult()).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-count': '3' },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('returns binary (image) bodies base64-encoded, byte for byte', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x80]);
    const res = new LambdaResponse();
    res.setHeader('content-type', 'image/png');
    res.write(png.subarray(0, 4));
    res.end(png.subarray(4));
    const result = res.toResult();
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body, 'base64')).toEqual(png);
  });

  it('moves set-cookie into cookies and joins repeated headers', () => {
    const res = new LambdaResponse();
    res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2']);
    res.setHeader('vary', ['Origin', 'Accept']);
    res.statusCode = 204;
    res.end();
    const result = res.toResult();
    expect(result.cookies).toEqual(['a=1; Path=/', 'b=2']);
    expect(result.headers).toEqual({ vary: 'Origin, Accept' });
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
  });

  it('ignores writes after end, like a finished response', () => {
    const res = new LambdaResponse();
    res.end('first');
    res.end('second');
    expect(res.body().toString()).toBe('first');
    expect(res.writableEnded).toBe(true);
  });
});
