import type { Route } from '../route.js';
import { sendBody, sendJson } from '../route.js';

/** Liveness, readiness and metrics: answered at once, whatever inference is doing. */
export const opsRoutes: Route[] = [
  {
    method: 'GET',
    path: '/livez',
    kind: 'probe',
    handler({ res }) {
      sendJson(res, 200, { status: 'alive' });
    },
  },
  {
    method: 'GET',
    path: '/readyz',
    kind: 'probe',
    handler({ res, app }) {
      sendJson(res, app.isReady ? 200 : 503, { status: app.health().status });
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    kind: 'cheap',
    async handler({ res, app }) {
      const { registry } = await app.metrics.load();
      sendBody(res, 200, await registry.metrics(), { 'content-type': registry.contentType });
    },
  },
];
