import { subscribe } from 'node:diagnostics_channel';
import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { RocketApp } from './app.js';
import { loadConfig } from './config/load.js';
import { RocketError } from './errors.js';
import { errorResponse, sendErrorResponse } from './http/error-response.js';
import { handleRequest } from './http/router.js';
import { createLogger } from './log.js';
import { applyProcessSettings } from './process-settings.js';
import { stopServer, timeoutOptions } from './server.js';
import { applyEventLoopPriority } from './serving/priority.js';
import { startTracing } from './serving/tracing.js';

/**
 * The functions-framework target `process` (Cloud Functions / Cloud Run functions convention):
 * `npx functions-framework --target=process`, entered through src/function.ts. The rocket starts
 * loading when this module is imported; model requests that arrive before it is ready are held
 * for up to STARTUP_WAIT_S (503 NOT_READY after that, or as soon as loading fails), and probes
 * answer at once.
 *
 * The framework owns the HTTP server (its port, its Express body parsers, its SIGTERM handler that
 * exits at once) and offers no hook into it. This module adopts that server when its first
 * connection arrives (the `net.server.socket` diagnostics channel, before any request on it is
 * parsed): it applies the configured timeouts and header limit, refuses bodies whose
 * Content-Length exceeds MAX_UPLOAD_BYTES before the framework buffers them, and replaces the
 * framework's SIGTERM/SIGINT handlers with a drain. docs/deploy.md lists which keys apply.
 */
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
log.info('event loop priority', { ...applyEventLoopPriority(config.EVENT_LOOP_PRIORITY) });
applyProcessSettings();
const app = new RocketApp(config, log);
app.tracing = await startTracing(process.env, log);
app.ready.catch(async () => {
  // A load the drain stopped (SIGTERM during the start): drain() exits 0.
  if (app.health().status === 'draining') return;
  // The load logged its error (app.ts). The requests held for the load get their 503 before the process goes.
  if (adopted) await stopServer(adopted, app);
  process.exit(1);
});

/** Signal listeners present before the framework registered its own: they are left alone. */
const earlier = new Set([...process.listeners('SIGTERM'), ...process.listeners('SIGINT')]);
let adopted: Server | undefined;

subscribe('net.server.socket', (message) => {
  const server = (message as { socket: Socket & { server?: unknown } }).socket.server;
  if (adopted || !(server instanceof Server)) return;
  adopted = server;
  adoptServer(server);
});

/** Applies the config to the framework's server and takes over its request and signal handling. */
function adoptServer(server: Server): void {
  Object.assign(server, timeoutOptions(config.HEADERS_TIMEOUT_S, config.REQUEST_TIMEOUT_S));
  server.keepAliveTimeout = config.KEEPALIVE_TIMEOUT_S * 1000;
  // node:http started its timeout check at 'listening', every 30 s: restart it at the new interval
  // (its listening listener clears the old one), so the timeouts fire within a second.
  for (const listener of server.listeners('listening')) {
    if (listener.name === 'setupConnectionsTracking') listener.call(server);
  }
  // Read by node:http for each new connection (the one that led here has Node's default).
  (server as Server & { maxHeaderSize?: number }).maxHeaderSize = config.MAX_HEADER_BYTES;
  const express = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (refuseOversized(req, res)) return;
    for (const listener of express) listener(req, res);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!earlier.has(listener)) process.off(signal, listener);
    }
    process.once(signal, () => void drain(server, signal));
  }
  const { port } = server.address() as { port: number };
  if (port !== config.PORT) {
    log.warn('functions-framework listens on its own port; PORT and HOST from the config do not apply', {
      port,
      configuredPort: config.PORT,
    });
  }
}

/**
 * Answers 413 PAYLOAD_TOO_LARGE when Content-Length exceeds MAX_UPLOAD_BYTES, before the
 * framework's body parsers read the body, and closes the connection. Chunked bodies carry no
 * length: the framework buffers them (up to its own 1 GB) before the router checks the limit.
 */
function refuseOversized(req: IncomingMessage, res: ServerResponse): boolean {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (!(declared > config.MAX_UPLOAD_BYTES)) return false;
  const err = new RocketError(
    'PAYLOAD_TOO_LARGE',
    `The body is larger than the limit of ${config.MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`,
  );
  sendErrorResponse(req, res, errorResponse(err), true);
  return true;
}

/** The drain of `rocket serve`: stop admitting, let admitted requests finish, then exit. */
async function drain(server: Server, signal: string): Promise<void> {
  log.info('shutting down', { signal, graceS: config.SHUTDOWN_GRACE_S });
  const clean = await stopServer(server, app);
  if (clean) log.info('stopped: every admitted request was answered');
  else log.warn('stopped: the grace period ended with requests still running');
  process.exit(0);
}

functions.http('process', (req, res) => handleRequest(req, res, app));
