import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { timeoutOptions } from '../../src/server.js';
import { useServer } from '../helpers/server.js';

/**
 * Opens a connection, sends `data` and never finishes the request; resolves with what the server
 * wrote and the seconds until it closed the connection.
 */
function stall(url: string, data: string): Promise<{ reply: string; seconds: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let reply = '';
    const socket = connect(Number(port), hostname, () => socket.write(data));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ reply, seconds: (performance.now() - started) / 1000 }));
  });
}

describe('node:http timeouts', () => {
  const server = useServer('npm start server', { HEADERS_TIMEOUT_S: '2', REQUEST_TIMEOUT_S: '3' });

  it('answers 408 and closes within about a second of HEADERS_TIMEOUT_S when headers stall', async () => {
    const { reply, seconds } = await stall(server().url, 'GET /health HTTP/1.1\r\nHost: x\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(4);
  }, 10_000);

  it('answers 408 within about a second of REQUEST_TIMEOUT_S when the body stalls', async () => {
    const head =
      'POST /process HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n';
    const { reply, seconds } = await stall(server().url, `${head}partial`);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(seconds).toBeGreaterThan(2.5);
    expect(seconds).toBeLessThan(5);
  }, 10_000);
});

describe('timeoutOptions', () => {
  it('checks connections at least every second, and more often for short timeouts', () => {
    expect(timeoutOptions(20, 60).connectionsCheckingInterval).toBe(1000);
    expect(timeoutOptions(2, 3).connectionsCheckingInterval).toBe(500);
    expect(timeoutOptions(1, 60).connectionsCheckingInterval).toBe(250);
  });

  it('caps the header timeout at the request timeout, which node:http requires', () => {
    expect(timeoutOptions(30, 10)).toMatchObject({ headersTimeout: 10_000, requestTimeout: 10_000 });
  });
});
