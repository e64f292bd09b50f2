import type { RocketApp } from '../../app.js';
import { exceptionFields } from '../../log.js';
import { V2_ERRORS, V2Error } from '../../v2/errors.js';
import { inferV2 } from '../../v2/infer.js';
import { modelFromPipeline, modelMetadata, serverMetadata, type V2Model } from '../../v2/model.js';
import { errorResponse, sendErrorResponse } from '../error-response.js';
import type { Route, RouteContext } from '../route.js';
import { sendBody, sendJson } from '../route.js';
import { readBody } from '../upload.js';

/** The served model when `name` (and `version`, if given) name it; a 404 otherwise. */
function findModel(app: RocketApp, params: Record<string, string>): V2Model {
  const model = modelFromPipeline(app.pipeline());
  const { name, version } = params;
  if (name !== model.name) {
    throw new V2Error(404, `Unknown model "${name}"; this server serves "${model.name}"`);
  }
  if (version !== undefined && version !== model.version) {
    throw new V2Error(
      404,
      `Unknown version "${version}" of model "${name}"; it has version "${model.version}"`,
    );
  }
  return model;
}

/** Runs a handler, answering any error in the protocol's `{"error": "<message>"}` shape. */
function v2(handler: (ctx: RouteContext) => Promise<void> | void): Route['handler'] {
  return async (ctx) => {
    try {
      await handler(ctx);
    } catch (err) {
      const response = errorResponse(err, V2_ERRORS);
      const { status, message } = response;
      if (status >= 500) ctx.app.log.error(message, { path: ctx.url.pathname, ...exceptionFields(err) });
      sendErrorResponse(ctx.req, ctx.res, response, status === 413);
    }
  };
}

const metadata = v2(({ res, app, params }) => sendJson(res, 200, modelMetadata(findModel(app, params))));

const modelReady = v2(({ res, app, params }) => {
  if (!app.isReady) {
    sendJson(res, 400, { name: params.name, ready: false });
    return;
  }
  sendJson(res, 200, { name: findModel(app, params).name, ready: true });
});

const infer = v2(async ({ req, res, app, params, signal }) => {
  const model = findModel(app, params);
  const body = await readBody(req, app.config.MAX_UPLOAD_BYTES);
  const reply = await inferV2(model, body, req.headers['inference-header-content-length'], signal);
  sendBody(res, 200, reply.body, reply.headers);
});

const models = '/v2/models/{name}';
const versioned = '/v2/models/{name}/versions/{version}';

/**
 * The Open Inference Protocol (KServe v2) REST API over the served rocket, with the binary
 * tensor data extension. Errors are `{"error": "<message>"}`: 400 bad request, 404 unknown model.
 */
export const v2Routes: Route[] = [
  {
    method: 'GET',
    path: '/v2',
    kind: 'cheap',
    handler: v2(({ res }) => sendJson(res, 200, serverMetadata())),
  },
  {
    method: 'GET',
    path: '/v2/health/live',
    kind: 'probe',
    handler: ({ res }) => sendJson(res, 200, { live: true }),
  },
  {
    method: 'GET',
    path: '/v2/health/ready',
    kind: 'probe',
    handler: ({ res, app }) => sendJson(res, app.isReady ? 200 : 400, { ready: app.isReady }),
  },
  { method: 'GET', path: models, kind: 'cheap', handler: metadata },
  { method: 'GET', path: versioned, kind: 'cheap', handler: metadata },
  { method: 'GET', path: `${models}/ready`, kind: 'probe', handler: modelReady },
  { method: 'GET', path: `${versioned}/ready`, kind: 'probe', handler: modelReady },
  { method: 'POST', path: `${models}/infer`, kind: 'work', handler: infer },
  { method: 'POST', path: `${versioned}/infer`, kind: 'work', handler: infer },
];
