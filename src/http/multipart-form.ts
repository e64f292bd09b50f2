import busboy from 'busboy';
import { RocketError } from '../errors.js';

/** One file part of a form. */
export interface FormFile {
  field: string;
  data: Buffer;
  /** The part's media type (`application/octet-stream` when it gave none). */
  mimeType: string;
  filename: string;
}

/** A whole multipart form: its file parts in order, and its text fields by name. */
export interface Form {
  files: FormFile[];
  fields: Map<string, string[]>;
}

/** Text fields (a webhook URL, a mapping given as text) are small: 64 KiB each at most. */
const FIELD_BYTES = 64 * 1024;
const LIMITS = { fields: 32, parts: 64, fieldSize: FIELD_BYTES } as const;

const malformed = (message: string) => new RocketError('MALFORMED_MULTIPART', message);

/**
 * Parses a buffered `multipart/form-data` body (already bounded by MAX_UPLOAD_BYTES) into every
 * file and text field it holds, for routes that take more than one field (POST /jobs: `input`,
 * `mapping`, `webhook`, `webhook_events`). More than `maxFiles` files is TOO_MANY_FILES; a text
 * field over 64 KiB, too many parts or a body busboy cannot parse is MALFORMED_MULTIPART.
 */
export function parseForm(body: Buffer, contentType: string, maxFiles: number): Promise<Form> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { ...LIMITS, files: maxFiles },
      });
    } catch (err) {
      reject(malformed(`Cannot parse the multipart body: ${(err as Error).message}`));
      return;
    }
    const form: Form = { files: [], fields: new Map() };
    let failure: RocketError | undefined;
    const fail = (err: RocketError) => {
      failure ??= err;
    };
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      const file: FormFile = {
        field,
        data: Buffer.alloc(0),
        mimeType: info.mimeType || 'application/octet-stream',
        filename: info.filename ?? field,
      };
      form.files.push(file);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        file.data = Buffer.concat(chunks);
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(malformed(`Field "${name}" is longer than ${FIELD_BYTES} bytes`));
      form.fields.set(name, [...(form.fields.get(name) ?? []), value]);
    });
    parser.on('filesLimit', () =>
      fail(new RocketError('TOO_MANY_FILES', `Send at most ${maxFiles} files per request`)),
    );
    parser.on('partsLimit', () => fail(malformed(`The body has more than ${LIMITS.parts} parts`)));
    parser.on('fieldsLimit', () => fail(malformed(`The body has more than ${LIMITS.fields} text fields`)));
    parser.on('error', (err: Error) =>
      reject(failure ?? malformed(`Cannot parse the multipart body: ${err.message}`)),
    );
    parser.on('close', () => (failure ? reject(failure) : resolve(form)));
    parser.end(body);
  });
}
