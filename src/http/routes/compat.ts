import { RocketError } from '../../errors.js';
import { resultJson } from '../../pipeline/pipeline.js';
import { rowFromQuery } from '../../tabular/rows.js';
import type { Prediction } from '../../tasks/classify/schema.js';
import { imageFamilyOf } from '../../tasks/registry.js';
import type { TabularPrediction } from '../../tasks/tabular/predict.js';
import type { Route } from '../route.js';
import { sendJson } from '../route.js';
import { readJson, readUpload } from '../upload.js';

/**
 * Routes the hand-written Flask/FastAPI apps our users replace already expose, answering each
 * client's exact request with the body it expects.
 */
export const compatRoutes: Route[] = [
  {
    method: 'GET',
    path: '/isAlive',
    kind: 'probe',
    handler({ res }) {
      sendJson(res, 200, true);
    },
  },
  {
    // A one-feature regression app: GET /prediction/?f=0.05 → 199.57
    method: 'GET',
    path: '/prediction',
    kind: 'work',
    async handler({ res, url, app, signal }) {
      const pipeline = app.pipeline();
      if (pipeline.spec.input !== 'rows') {
        throw new RocketError(
          'UNSUPPORTED_INPUT',
          `/prediction/ serves tabular rockets; this one is ${pipeline.spec.task}`,
        );
      }
      const row = rowFromQuery(url.searchParams, pipeline.spec.tabular);
      const { predictions } = await pipeline.predict([row], signal);
      const [prediction] = predictions as TabularPrediction[];
      sendJson(res, 200, prediction?.value ?? prediction?.label ?? null);
    },
  },
  {
    // An MNIST app: curl -F image=@8.bmp /classify → {"class":"8"}
    method: 'POST',
    path: '/classify',
    kind: 'work',
    async handler({ req, res, app, signal }) {
      const pipeline = app.pipeline();
      const upload = await readUpload(req, { maxBytes: app.config.MAX_UPLOAD_BYTES, field: 'image' });
      const result = await pipeline.process(upload.data, {}, signal);
      const top = (result.predictions as Prediction[] | undefined)?.[0];
      if (!top)
        throw new RocketError(
          'UNSUPPORTED_INPUT',
          `/classify serves classifiers; this rocket is ${result.task}`,
        );
      sendJson(res, 200, { class: top.label });
    },
  },
  {
    // A YOLOv5 JSON app: {"image": "<base64>", "model": "<name>"} → detections and processing time
    method: 'POST',
    path: '/predict',
    kind: 'work',
    async handler({ req, res, app, signal }) {
      const pipeline = app.pipeline();
      const body = (await readJson(req, app.config.MAX_UPLOAD_BYTES)) as {
        image?: unknown;
        model?: unknown;
      } | null;
      if (typeof body?.image !== 'string' || body.image === '') {
        throw new RocketError(
          'MISSING_INPUT',
          'Expected a JSON body {"image": "<base64>", "model": "<name>"}',
        );
      }
      if (body.model !== undefined && body.model !== pipeline.spec.name) {
        throw new RocketError(
          'MODEL_NOT_FOUND',
          `Model ${JSON.stringify(body.model)} is not served here; this server serves "${pipeline.spec.name}"`,
        );
      }
      const base64 = body.image.replace(/^data:[^;]+;base64,/, '');
      const result = await pipeline.process(Buffer.from(base64, 'base64'), {}, signal);
      // The JSON form, as POST /process sends it (a produced image as base64, no class map).
      const json = (await resultJson(imageFamilyOf(result.task), result)) as object;
      sendJson(res, 200, { ...json, processingTimeMs: result.timing.totalMs });
    },
  },
];
