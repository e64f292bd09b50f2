import { expected, RocketError } from '../errors.js';
import { parseProcessParams } from '../http/params.js';
import { headerValue, type RouteContext } from '../http/route.js';
import { checkFormat } from '../http/routes/process.js';
import { mediaType, readBody } from '../http/upload.js';
import type { RocketSpec, TabularSpec } from '../rocket/types.js';
import { imageFamilyOf } from '../tasks/registry.js';
import { imageFilesBody, imageRawBody, type StoredBody } from './stored-request.js';
import { missingFile, readForm, type SubmitFields, type SubmitForm } from './submit-form.js';
import { tabularBody } from './tabular-request.js';
import type { JobRequest, SubmitOptions } from './types.js';

/** Media types an image rocket decodes (SVG only with ALLOW_SVG=true). */
const IMAGE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/tiff',
  'image/avif',
  'image/bmp',
];
/** Media types a tabular rocket reads rows from. */
const ROWS_TYPES = ['text/csv', 'application/json'];

/** The media types a rocket takes (GET /data/supported-mime-types; what a declared MimeType may be). */
export function supportedMimeTypes(spec: RocketSpec, allowSvg: boolean): string[] {
  if (spec.input === 'rows') return ROWS_TYPES;
  return allowSvg ? [...IMAGE_TYPES, 'image/svg+xml'] : IMAGE_TYPES;
}

/** What a submit asks for: the request the job replays, and the submit's options. */
export interface Submission {
  request: JobRequest;
  options: SubmitOptions;
}

/**
 * Reads a job submission: the body (bounded by MAX_UPLOAD_BYTES), and from a multipart body the
 * input file(s), the webhook and the mapping. Checks at once what /process would refuse without
 * running the model (query parameters, media type, a missing or empty input, HEIC, tabular rows),
 * so a bad request gets its 4xx now rather than a failed job, and stores what /process takes: only
 * the input, as a raw body, a multipart body of `input` parts, or JSON rows (after a mapping).
 */
export async function readSubmission(ctx: RouteContext, fields: SubmitFields): Promise<Submission> {
  const { req, url, app } = ctx;
  const spec = app.pipeline().spec;
  const idempotencyKey = idempotencyKeyOf(req);
  const raw: RawBody = {
    body: await readBody(req, app.config.MAX_UPLOAD_BYTES),
    type: mediaType(req),
    contentType: headerValue(req.headers, 'content-type') ?? '',
  };
  const form =
    raw.type === 'multipart/form-data' ? await readForm(raw.body, raw.contentType, fields) : undefined;
  if (form?.declaredType)
    checkDeclaredType(form.declaredType, supportedMimeTypes(spec, app.config.ALLOW_SVG), fields);
  const stored =
    spec.input === 'rows'
      ? tabularJob(spec.tabular, url.searchParams, form, raw, fields)
      : imageJob(spec.task, url.searchParams, form, raw, fields);
  return {
    request: { ...stored, accept: headerValue(req.headers, 'accept') ?? '', query: url.search.slice(1) },
    options: { webhook: form?.webhook ?? null, idempotencyKey },
  };
}

/** A request's body with its media type (`image/png`) and Content-Type header (parameters included). */
interface RawBody {
  body: Buffer;
  type: string;
  contentType: string;
}

/** A declared `MimeType` must be one the rocket takes (or the generic application/octet-stream). */
function checkDeclaredType(declared: string, supported: string[], fields: SubmitFields): void {
  if (supported.includes(declared) || declared === 'application/octet-stream') return;
  throw new RocketError(
    'UNSUPPORTED_MEDIA_TYPE',
    expected(`one of ${supported.join(', ')}`, fields.mimeType ?? 'the media type', declared),
  );
}

/** An image job: its query checked as /process checks it, and its files (or raw body) to store. */
function imageJob(
  task: string,
  search: URLSearchParams,
  form: SubmitForm | undefined,
  raw: RawBody,
  fields: SubmitFields,
): StoredBody {
  if (form?.mapping) {
    throw new RocketError(
      'UNSUPPORTED_INPUT',
      `A mapping renames fields of tabular rows; this rocket is ${task}`,
    );
  }
  const family = imageFamilyOf(task);
  const { format } = parseProcessParams(search, family);
  const stored = form
    ? imageFilesBody(form.files, fields.input)
    : imageRawBody(raw.type, raw.contentType, raw.body);
  checkFormat(format, family, form?.files.length ?? 1);
  return stored;
}

/** A tabular job: its one file (or raw body, or query row), read and stored by tabularBody(). */
function tabularJob(
  tab: TabularSpec,
  search: URLSearchParams,
  form: SubmitForm | undefined,
  raw: RawBody,
  fields: SubmitFields,
): StoredBody {
  if (!form) {
    const sent = raw.body.length > 0 || raw.type !== '';
    return tabularBody(sent ? { data: raw.body, type: raw.type, multipart: false } : null, null, search, tab);
  }
  const [file, ...more] = form.files;
  if (!file) throw missingFile(fields.input);
  if (more.length > 0) throw new RocketError('TOO_MANY_FILES', 'Send exactly one file per request');
  return tabularBody({ data: file.data, type: file.mimeType, multipart: true }, form.mapping, search, tab);
}

/** The Idempotency-Key header: 1 to 255 visible characters, or null when absent. */
function idempotencyKeyOf(req: RouteContext['req']): string | null {
  const key = headerValue(req.headers, 'idempotency-key');
  if (key === undefined) return null;
  if (!/^[\x21-\x7e][\x20-\x7e]{0,254}$/.test(key.trim())) {
    throw new RocketError(
      'INVALID_PARAMETER',
      expected('1 to 255 visible ASCII characters', 'Idempotency-Key', key),
    );
  }
  return key.trim();
}
