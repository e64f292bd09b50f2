import { parseProcessQuery } from '../params.js';
import type { Route } from '../route.js';
import { sendJson } from '../route.js';
import { readUpload } from '../upload.js';

/** POST /process and GET /health: the core issue's routes. */
export const coreRoutes: Route[] = [
  {
    method: 'POST',
    path: '/process',
    kind: 'work',
    async handler({ req, res, url, app, signal }) {
      const overrides = parseProcessQuery(url.searchParams);
      const pipeline = app.pipeline();
      const upload = await readUpload(req, { maxBytes: app.config.MAX_UPLOAD_BYTES, field: 'input' });
      sendJson(res, 200, await pipeline.process(upload.data, overrides, signal));
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
