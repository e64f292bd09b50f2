import { expected, RocketError } from '../errors.js';
import { type Form, type FormFile, parseForm } from '../http/multipart-form.js';
import { MAX_FILES } from '../http/routes/process.js';
import { type SubmitOptions, WEBHOOK_EVENTS, type WebhookEvent } from './types.js';

/** The multipart fields a submit route reads (POST /jobs, or the compatible POST /data/add-job). */
export interface SubmitFields {
  /** The file(s) to run the rocket on. */
  input: string;
  /** Files `input` may hold; /process's MAX_FILES when absent. */
  maxFiles?: number;
  /** A text field with the webhook URL. */
  webhook: string;
  /** A text field with comma-separated webhook events; without it, `defaultEvents`. */
  events?: string;
  defaultEvents: WebhookEvent[];
  /** A file (or text field) with the mapping of a tabular upload's fields to the rocket's features. */
  mapping: string;
  /** A text field giving the input file's media type, over the part's own. */
  mimeType?: string;
}

/** POST /jobs (and POST /process with Prefer: respond-async): /process's `input`, plus the job's fields. */
export const JOBS_FIELDS: SubmitFields = {
  input: 'input',
  webhook: 'webhook',
  events: 'webhook_events',
  defaultEvents: ['completed'],
  mapping: 'mapping',
};

/** POST /data/add-job: `File`, `MimeType`, `Mappings` and `CallbackUrl`, called when the job ends either way. */
export const ADD_JOB_FIELDS: SubmitFields = {
  input: 'File',
  maxFiles: 1,
  webhook: 'CallbackUrl',
  defaultEvents: ['completed', 'failed'],
  mapping: 'Mappings',
  mimeType: 'MimeType',
};

/** A multipart body without the input file. */
export const missingFile = (field: string) =>
  new RocketError('MISSING_INPUT', `No file part named "${field}" was sent`);

/** A multipart submit: its input files, its mapping, its webhook, and the media type it declares. */
export interface SubmitForm {
  files: FormFile[];
  mapping: Buffer | null;
  webhook: SubmitOptions['webhook'];
  /** The `MimeType` field of POST /data/add-job: the files' media type, over the parts' own. */
  declaredType?: string;
}

/**
 * Reads the multipart fields of a submit (input files, mapping, webhook and its events, MimeType);
 * another file field, or an unknown text field, is refused.
 */
export async function readForm(body: Buffer, contentType: string, fields: SubmitFields): Promise<SubmitForm> {
  const maxFiles = fields.maxFiles ?? MAX_FILES;
  // One more file than the input takes: the mapping may be a file too.
  const form = await parseForm(body, contentType, maxFiles + 1);
  const known = [fields.input, fields.webhook, fields.mapping, fields.events, fields.mimeType].filter(
    Boolean,
  );
  for (const file of form.files) {
    if (file.field !== fields.input && file.field !== fields.mapping) {
      throw new RocketError(
        'UNEXPECTED_FIELD',
        `Expected the file in field "${fields.input}" (or "${fields.mapping}") but received field "${file.field}"`,
      );
    }
  }
  for (const name of form.fields.keys()) {
    if (name === fields.input) {
      throw new RocketError(
        'MISSING_INPUT',
        `Field "${name}" was sent as text; send it as a file (curl -F ${name}=@photo.jpg)`,
      );
    }
    if (!known.includes(name)) {
      throw new RocketError(
        'UNEXPECTED_FIELD',
        `Unknown field "${name}"; this route takes ${known.join(', ')}`,
      );
    }
  }
  const inputs = form.files.filter((f) => f.field === fields.input);
  if (inputs.length > maxFiles) {
    throw new RocketError(
      'TOO_MANY_FILES',
      maxFiles === 1 ? 'Send exactly one file per request' : `Send at most ${maxFiles} files per request`,
    );
  }
  const mimeType = fields.mimeType ? single(form, fields.mimeType) : undefined;
  if (mimeType !== undefined && !/^[\w.+-]+\/[\w.+-]+$/.test(mimeType)) {
    throw new RocketError(
      'INVALID_PARAMETER',
      expected('a media type such as image/jpeg', fields.mimeType as string, mimeType),
    );
  }
  const declaredType = mimeType?.toLowerCase();
  return {
    files: declaredType ? inputs.map((f) => ({ ...f, mimeType: declaredType })) : inputs,
    mapping: mappingOf(form, fields.mapping),
    webhook: webhookOf(form, fields),
    ...(declaredType ? { declaredType } : {}),
  };
}

/** A text field sent at most once (trimmed; empty counts as absent). */
function single(form: Form, name: string): string | undefined {
  const values = form.fields.get(name) ?? [];
  if (values.length > 1) throw new RocketError('INVALID_PARAMETER', expected('one value', name, values));
  return values[0]?.trim() || undefined;
}

/** The mapping, sent as a file or as a text field. */
function mappingOf(form: Form, name: string): Buffer | null {
  const files = form.files.filter((f) => f.field === name);
  const text = single(form, name);
  if (files.length + (text === undefined ? 0 : 1) > 1) {
    throw new RocketError('INVALID_PARAMETER', `Send one mapping, as the file or text field "${name}"`);
  }
  return files[0]?.data ?? (text === undefined ? null : Buffer.from(text));
}

/** The webhook and the events it asks for (names checked; `started`, `completed`, `failed`). */
function webhookOf(form: Form, fields: SubmitFields): SubmitOptions['webhook'] {
  const url = single(form, fields.webhook);
  const listed = fields.events ? single(form, fields.events) : undefined;
  if (listed !== undefined && url === undefined) {
    throw new RocketError('INVALID_PARAMETER', `${fields.events} needs a ${fields.webhook} to send them to`);
  }
  if (url === undefined) return null;
  if (listed === undefined) return { url, events: fields.defaultEvents };
  const names = listed.split(',').map((e) => e.trim());
  for (const name of names) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(name)) {
      throw new RocketError(
        'INVALID_PARAMETER',
        expected(`a comma-separated list of ${WEBHOOK_EVENTS.join(', ')}`, fields.events as string, listed),
      );
    }
  }
  return { url, events: [...new Set(names)] as WebhookEvent[] };
}
