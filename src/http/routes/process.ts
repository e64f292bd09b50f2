import type { ServerResponse } from 'node:http';
import { expected, RocketError } from '../../errors.js';
import { annotateDetections } from '../../image/annotate.js';
import { encodeImage, formatFromAccept, type ImageFormat } from '../../image/encode.js';
import type { ImageProcessResponse, Timing } from '../../pipeline/pipeline.js';
import { rowFromQuery, rowsFromCsv, rowsFromJson } from '../../tabular/rows.js';
import { parseProcessParams, type ResponseFormat } from '../params.js';
import type { RouteContext } from '../route.js';
import { sendBody, sendJson } from '../route.js';
import { carriesBody, mediaType, readJson, readUploads } from '../upload.js';

/** Images accepted in one request; each gets its own result in the JSON array. */
export const MAX_FILES = 16;

/** Sends an encoded image once, with the stage times as a Server-Timing header. */
function sendImage(res: ServerResponse, body: Buffer, type: string, timing?: Timing): void {
  const headers: Record<string, string> = { 'content-type': type };
  if (timing) {
    headers['server-timing'] = Object.entries(timing)
      .map(([stage, ms]) => `${stage.replace(/Ms$/, '')};dur=${ms}`)
      .join(', ');
  }
  sendBody(res, 200, body, headers);
}

/** The JSON form of an image-to-image result: the envelope, with the image as base64 PNG. */
async function asJson(result: ImageProcessResponse): Promise<unknown> {
  const { output, ...envelope } = result;
  if (!output) return envelope;
  const { body, contentType } = await encodeImage(output, 'png');
  return {
    ...envelope,
    output: { width: output.width, height: output.height, contentType, data: body.toString('base64') },
  };
}

function checkFormat(format: ResponseFormat | undefined, task: string, files: number): void {
  const fits =
    format === undefined ||
    format === 'json' ||
    (files === 1 && format === 'image' && task === 'detect') ||
    (files === 1 && task === 'image2image' && format !== 'image');
  if (!fits) {
    const allowed =
      files > 1
        ? 'json (several files give a JSON array)'
        : task === 'detect'
          ? 'json or image'
          : task === 'image2image'
            ? 'json, png, jpeg or webp'
            : 'json';
    throw new RocketError('INVALID_PARAMETER', expected(`${allowed} for a ${task} rocket`, 'format', format));
  }
}

/** POST /process for image rockets: one file → one result (JSON or image); several → a JSON array. */
export async function processImages(ctx: RouteContext): Promise<void> {
  const { req, res, url, app, signal } = ctx;
  const { thresholds, format } = parseProcessParams(url.searchParams);
  const pipeline = app.pipeline();
  const task = pipeline.spec.task;
  checkFormat(format, task, 1);
  const uploads = await readUploads(req, {
    maxBytes: app.config.MAX_UPLOAD_BYTES,
    field: 'input',
    maxFiles: MAX_FILES,
  });
  if (uploads.length > 1) {
    checkFormat(format, task, uploads.length);
    const results = await pipeline.processMany(
      uploads.map((u) => u.data),
      thresholds,
      signal,
    );
    sendJson(res, 200, await Promise.all(results.map(asJson)));
    return;
  }
  const upload = uploads[0] as (typeof uploads)[number];
  const result = await pipeline.process(upload.data, thresholds, signal);
  if (format === 'image') {
    const jpeg = await annotateDetections(upload.data, result.detections ?? [], app.config.MAX_PIXELS);
    sendImage(res, jpeg, 'image/jpeg', result.timing);
  } else if (result.output && format !== 'json') {
    const chosen: ImageFormat = format ?? formatFromAccept(req.headers.accept);
    const { body, contentType } = await encodeImage(result.output, chosen);
    sendImage(res, body, contentType, result.timing);
  } else {
    sendJson(res, 200, await asJson(result));
  }
}

/** POST /process for tabular rockets: JSON rows, a CSV upload (field `input`), or query parameters. */
export async function processRows(ctx: RouteContext): Promise<void> {
  const { req, res, url, app, signal } = ctx;
  const pipeline = app.pipeline();
  if (pipeline.spec.task !== 'tabular') throw new Error('processRows needs a tabular rocket');
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
