import { createServer, type Server } from 'node:http';
import type { RocketApp } from './app.js';
import { RocketError } from './errors.js';
import { handleRequest } from './http/router.js';

/**
 * rocketserve's own HTTP server (npm start, rocket serve): node:http around the shared router,
 * with the configured header, request and keep-alive timeouts and header size limit. It listens
 * at once, so /health and /readyz answer 503 while the rocket loads.
 */
export function startServer(app: RocketApp): Promise<Server> {
  const { config } = app;
  const server = createServer(
    {
      maxHeaderSize: config.MAX_HEADER_BYTES,
      ...timeoutOptions(config.HEADERS_TIMEOUT_S, config.REQUEST_TIMEOUT_S),
      keepAliveTimeout: config.KEEPALIVE_TIMEOUT_S * 1000,
    },
    (req, res) => {
      void handleRequest(req, res, app);
    },
  );
  return new Promise((resolve, reject) => {
    const refuse = (err: NodeJS.ErrnoException) => reject(listenError(err, config.PORT, config.HOST));
    server.once('error', refuse);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', refuse);
      resolve(server);
    });
  });
}

/** Why a HOST name cannot be listened on. */
const UNRESOLVED =
  'HOST is a name that does not resolve here; set HOST to an address (0.0.0.0 listens on all)';

/** What each errno of `listen` means for PORT and HOST, and what fixes it. */
const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'another process is listening on it; stop it, or set PORT to a free port',
  EACCES: 'this user may not listen on it (ports below 1024 need privileges); set PORT to 1024 or above',
  EADDRNOTAVAIL: 'HOST is not an address of this machine; set HOST to one (0.0.0.0 listens on all)',
  ENOTFOUND: UNRESOLVED,
  EAI_AGAIN: UNRESOLVED,
};

/** Why the server could not listen, by the errno of `listen`: PORT_UNAVAILABLE naming the fix. */
function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  const reason = err.code ? LISTEN_REASONS[err.code] : undefined;
  if (!reason) return err;
  const message = `cannot listen on port ${port} at ${host} (${err.code}): ${reason}`;
  return new RocketError('PORT_UNAVAILABLE', message, { cause: err });
}

/**
 * node:http's header and request timeouts, in ms. Node checks them only every
 * `connectionsCheckingInterval` (30 s by default, so a 2 s header timeout fired after 20 s): the
 * check runs here every quarter of the shorter timeout, at most every second, so each fires within
 * a second of its setting. Node refuses a header timeout longer than the request timeout; the
 * headers are part of the request, so the header timeout is capped at it.
 */
export function timeoutOptions(
  headersS: number,
  requestS: number,
): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
  const headersTimeout = Math.min(headersS, requestS) * 1000;
  return {
    headersTimeout,
    requestTimeout: requestS * 1000,
    connectionsCheckingInterval: Math.min(1000, headersTimeout / 4),
  };
}

/**
 * Graceful stop (SIGTERM/SIGINT): stop accepting connections, turn readiness off, let every
 * admitted request finish within SHUTDOWN_GRACE_S, then close what is left and stop the workers.
 * @returns true when every admitted request was answered in time.
 */
export async function stopServer(server: Server, app: RocketApp): Promise<boolean> {
  server.close();
  server.closeIdleConnections();
  const clean = await app.drain(app.config.SHUTDOWN_GRACE_S * 1000);
  server.closeAllConnections();
  return clean;
}
