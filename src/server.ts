import { createServer, type Server } from 'node:http';
import type { RocketApp } from './app.js';
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
      headersTimeout: config.HEADERS_TIMEOUT_S * 1000,
      requestTimeout: config.REQUEST_TIMEOUT_S * 1000,
      keepAliveTimeout: config.KEEPALIVE_TIMEOUT_S * 1000,
    },
    (req, res) => {
      void handleRequest(req, res, app);
    },
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
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
