import type { ServerResponse } from 'node:http';
import { expected, RocketError } from '../../errors.js';
import { formatFromAccept } from '../../image/encode.js';
import { fieldsOf, resultJson, type Timing } from '../../pipeline/pipeline.js';
import { rowFromQuery, rowsFromCsv, rowsFromJson } from '../../tabular/rows.js';
import { imageFamilyOf } from '../../tasks/registry.js';
import type { ImageFamily } from '../../tasks/types.js';
import { parseProcessParams, type ResponseFormat } from '../params.js';
import type { RouteContext } from '../route.js';
import { sendBody, sendJson } from '../route.js';
import { carriesBody, mediaType, readJson, readUploads } from '../upload.js';
import { answerSubmitted, prefersRespondAsync, submitJob } from './jobs.js';

/** Images accepted in one request; each gets its own result in the JSON array. */
export const MAX_FILES = 16;

/** Sends an encoded image once, with the stage times as a Server-Timing header. */
function sendImage(res: ServerResponse, body: Buffer, type: string, timing?: Timing): void {
  const headers: Record<string, string> = { 'content-type': type };
  if (timing) {
    // Stage times as durations; counts (tiles) as descriptions.
    headers['server-timing'] = Object.entries(timing)
      .map(([stage, v]) => (stage.endsWith('Ms') ? `${stage.slice(0, -2)};dur=${v}` : `${stage};desc=${v}`))
      .join(', ');
  }
  sendBody(res, 200, body, headers);
}

/** Checks `format` against what the family can answer; several files always answer JSON. */
export function checkFormat(format: ResponseFormat | undefined, family: ImageFamily, files: number): void {
  if (format === undefined || format === 'json' || (files === 1 && format in family.renderers)) return;
  const formats = ['json', ...Object.keys(family.renderers)];
  const allowed =
    files > 1
      ? 'json (several files give a JSON array)'
      : `${formats.slice(0, -1).join(', ')}${formats.length > 1 ? ' or ' : ''}${formats.at(-1)}`;
  throw new RocketError(
    'INVALID_PARAMETER',
    expected(`${allowed} for a ${family.task} rocket`, 'format', format),
  );
}

/** POST /process with `Prefer: respond-async`: what POST /jobs does (202, Location, the job). */
async function respondAsync(ctx: RouteContext): Promise<void> {
  answerSubmitted(ctx, await submitJob(ctx), { 'preference-applied': 'respond-async' });
}

/** POST /process for image rockets: one file → one result (JSON or what the family renders); several → a JSON array. */
export async function processImages(ctx: RouteContext): Promise<void> {
  if (prefersRespondAsync(ctx)) return respondAsync(ctx);
  const { req, res, url, app, signal } = ctx;
  const pipeline = app.pipeline();
  const family = imageFamilyOf(pipeline.spec.task);
  const { thresholds, format, options } = parseProcessParams(url.searchParams, family);
  checkFormat(format, family, 1);
  const uploads = await readUploads(req, {
    maxBytes: app.config.MAX_UPLOAD_BYTES,
    field: 'input',
    maxFiles: MAX_FILES,
  });
  if (uploads.length > 1) {
    checkFormat(format, family, uploads.length);
    const results = await pipeline.processMany(
      uploads.map((u) => u.data),
      thresholds,
      signal,
      options,
    );
    sendJson(res, 200, await Promise.all(results.map((r) => resultJson(family, r, options))));
    return;
  }
  const upload = uploads[0] as (typeof uploads)[number];
  const result = await pipeline.process(upload.data, thresholds, signal, options);
  const chosen = format ?? (family.defaultsToImage ? formatFromAccept(req.headers.accept) : 'json');
  const render = family.renderers[chosen];
  if (!render) {
    sendJson(res, 200, await resultJson(family, result, options));
    return;
  }
  const { body, contentType } = await render({
    spec: pipeline.imageSpec(),
    upload: upload.data,
    fields: fieldsOf(result),
    maxPixels: app.config.MAX_PIXELS,
    options,
  });
  sendImage(res, body, contentType, result.timing);
}

/** POST /process for tabular rockets: JSON rows, a CSV upload (field `input`), or query parameters. */
export async function processRows(ctx: RouteContext): Promise<void> {
  if (prefersRespondAsync(ctx)) return respondAsync(ctx);
  const { req, res, url, app, signal } = ctx;
  const pipeline = app.pipeline();
  if (pipeline.spec.input !== 'rows') throw new Error('processRows needs a rocket that takes rows');
  const tab = pipeline.spec.tabular;
  const type = mediaType(req);
  let rows: number[][];
  if (!carriesBody(req) && !type) rows = [rowFromQuery(url.searchParams, tab)];
  else {
    if ([...url.searchParams.keys()].length > 0) {
      throw new RocketError(
        'UNKNOWN_PARAMETER',
        'A tabular request takes rows from the body or from the query string, not both',
      );
    }
    if (type === 'application/json')
      rows = rowsFromJson(await readJson(req, app.config.MAX_UPLOAD_BYTES), tab);
    else {
      const [upload] = await readUploads(req, { maxBytes: app.config.MAX_UPLOAD_BYTES, field: 'input' });
      rows = rowsFromCsv((upload as { data: Buffer }).data.toString('utf8'), tab);
    }
  }
  sendJson(res, 200, await pipeline.predict(rows, signal));
}
