import type { Route } from '../route.js';
import { sendJson } from '../route.js';
import { processImages, processRows } from './process.js';

/** POST /process and GET /health: the core issue's routes. */
export const coreRoutes: Route[] = [
  {
    method: 'POST',
    path: '/process',
    kind: 'work',
    handler(ctx) {
      return ctx.app.pipeline().spec.input === 'rows' ? processRows(ctx) : processImages(ctx);
    },
  },
  {
    method: 'GET',
    path: '/health',
    kind: 'probe',
    handler({ res, app }) {
      const state = app.health();
      sendJson(res, state.status === 'ok' ? 200 : 503, state);
    },
  },
];
