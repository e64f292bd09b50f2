import { createServer, type Server } from 'node:http';
import type { RocketApp } from './app.js';
import { handleRequest } from './http/router.js';

/**
 * rocketserve's own HTTP server (npm start, rocket serve): node:http around the shared router.
 * It listens at once, so /health answers 503 while the rocket loads.
 */
export function startServer(app: RocketApp): Promise<Server> {
  const server = createServer((req, res) => {
    void handleRequest(req, res, app);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(app.config.PORT, app.config.HOST, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
