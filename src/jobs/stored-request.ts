import { createHash } from 'node:crypto';
import { RocketError } from '../errors.js';
import type { FormFile } from '../http/multipart-form.js';
import { refuseHeic } from '../image/formats.js';
import type { JobRequest } from './types.js';

/** The body of a stored request, with its Content-Type: what POST /process will be handed. */
export type StoredBody = Pick<JobRequest, 'contentType' | 'body'>;

/** A media type /process reads as an image file: `image/*` or `application/octet-stream`. */
export const isImageType = (type: string): boolean =>
  /^image\/[\w.+-]+$/.test(type) || type === 'application/octet-stream';

/**
 * The stored body of an image job's files: one file as a raw body with its image content type
 * (another type becomes `application/octet-stream`), several as a multipart body of `input` parts.
 * HEIC photos are refused here as /process refuses them (415), before they are queued.
 * @throws RocketError MISSING_INPUT, EMPTY_INPUT, UNSUPPORTED_IMAGE_FORMAT
 */
export function imageFilesBody(files: readonly FormFile[], field: string): StoredBody {
  if (files.length === 0) throw new RocketError('MISSING_INPUT', `No file part named "${field}" was sent`);
  for (const file of files) {
    if (file.data.length === 0) throw new RocketError('EMPTY_INPUT', 'The uploaded file is empty');
    refuseHeic(file.data);
  }
  if (files.length === 1) {
    const [file] = files as [FormFile];
    return {
      contentType: isImageType(file.mimeType) ? file.mimeType : 'application/octet-stream',
      body: file.data,
    };
  }
  return multipartBody(files);
}

/**
 * The stored body of an image job sent as a raw body (`content-type: image/jpeg`), checked as
 * /process checks it.
 * @throws RocketError MISSING_INPUT, EMPTY_INPUT, UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_IMAGE_FORMAT
 */
export function imageRawBody(type: string, contentType: string, body: Buffer): StoredBody {
  if (type === '' && body.length === 0) {
    throw new RocketError('MISSING_INPUT', 'Send the image as a multipart file field named "input"');
  }
  if (!isImageType(type)) {
    throw new RocketError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Expected multipart/form-data or an image content type but received "${type || '(none)'}"`,
    );
  }
  if (body.length === 0) throw new RocketError('EMPTY_INPUT', 'The request body is empty');
  refuseHeic(body);
  return { contentType, body };
}

/** A file name safe in a Content-Disposition header: printable ASCII without quotes or backslashes. */
const safeFilename = (name: string) => name.replace(/[^\x20-\x7e]|["\\]/g, '_') || 'input';

/**
 * Files as a `multipart/form-data` body of `input` parts. The boundary is derived from the
 * files' bytes, so the same files always give the same body: a repeated submit with an
 * Idempotency-Key hashes the same, whatever boundary the client chose.
 */
export function multipartBody(files: readonly FormFile[]): StoredBody {
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.mimeType).update('\0').update(f.filename).update('\0').update(f.data);
  const boundary = `rocketserve-${hash.digest('hex').slice(0, 48)}`;
  const chunks: Buffer[] = [];
  for (const file of files) {
    const type = isImageType(file.mimeType) ? file.mimeType : 'application/octet-stream';
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="input"; filename="${safeFilename(file.filename)}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
