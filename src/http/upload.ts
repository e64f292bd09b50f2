import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { RocketError } from '../errors.js';

/** One uploaded file. */
export interface Upload {
  data: Buffer;
  mimeType: string;
  filename?: string;
}

/** A request, with the body functions-framework has already buffered, if it has. */
export type BodyRequest = IncomingMessage & { rawBody?: Buffer };

export interface UploadLimits {
  maxBytes: number;
  /** The multipart field that carries the file (`input` for /process). */
  field: string;
  /** Files accepted in that field (default 1); more gets TOO_MANY_FILES. */
  maxFiles?: number;
}

const FILE_BODY = /^(image\/[\w.+-]+|application\/octet-stream|text\/csv)$/;

/** busboy's limits on the rest of a multipart body: text fields, parts, and one text field's bytes. */
const MULTIPART_LIMITS = { fields: 32, parts: 64, fieldSize: 64 * 1024 } as const;

/**
 * Reads the one file a request carries: a `multipart/form-data` part named `limits.field`, or a
 * raw body with an image content type. The only module that knows busboy's errors. Enforces the
 * size limit twice: Content-Length before reading, and a running count while streaming.
 */
export async function readUpload(req: BodyRequest, limits: UploadLimits): Promise<Upload> {
  const [upload] = await readUploads(req, { ...limits, maxFiles: 1 });
  return upload as Upload;
}

/**
 * Reads every file a request carries in `limits.field` (up to `maxFiles`), in order: multipart
 * parts, or one raw body with an image or CSV content type.
 */
export async function readUploads(req: BodyRequest, limits: UploadLimits): Promise<Upload[]> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const type = mediaType(req);
  if (type === 'multipart/form-data') return readMultipart(req, limits);
  if (FILE_BODY.test(type)) {
    const data = await readBody(req, limits.maxBytes);
    if (data.length === 0) throw new RocketError('EMPTY_INPUT', 'The request body is empty');
    return [{ data, mimeType: type }];
  }
  if (type === '' && !carriesBody(req)) {
    throw new RocketError(
      'MISSING_INPUT',
      `Send the image as a multipart file field named "${limits.field}"`,
    );
  }
  throw new RocketError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Expected multipart/form-data or an image content type but received "${type || '(none)'}"`,
  );
}

/** The request's media type, lower-case and without parameters (`multipart/form-data`), or ''. */
export function mediaType(req: BodyRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True when the request has a body: buffered and non-empty, a positive Content-Length, or chunked. */
export function carriesBody(req: BodyRequest): boolean {
  if (req.rawBody) return req.rawBody.length > 0;
  return Number(req.headers['content-length'] ?? 0) > 0 || !!req.headers['transfer-encoding'];
}

function tooLarge(maxBytes: number): RocketError {
  return new RocketError(
    'PAYLOAD_TOO_LARGE',
    `The body is larger than the limit of ${maxBytes} bytes (MAX_UPLOAD_BYTES)`,
  );
}

/** Reads and parses a JSON body (already buffered by functions-framework, or streamed), within `maxBytes`. */
export async function readJson(req: BodyRequest, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RocketError('INVALID_INPUT', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Reads a whole request body up to `maxBytes`: refused from Content-Length before reading, and by
 * a running count for chunked bodies. Uses the body functions-framework has already buffered.
 * @throws RocketError PAYLOAD_TOO_LARGE
 */
export async function readBody(req: BodyRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (req.rawBody) {
    if (req.rawBody.length > maxBytes) throw tooLarge(maxBytes);
    return req.rawBody;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function readMultipart(req: BodyRequest, limits: UploadLimits): Promise<Upload[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: limits.maxBytes,
          files: limits.maxFiles ?? 1,
          ...MULTIPART_LIMITS,
        },
      });
    } catch (err) {
      reject(
        new RocketError('MALFORMED_MULTIPART', `Cannot parse the multipart body: ${(err as Error).message}`),
      );
      return;
    }
    const uploads: Upload[] = [];
    let failure: RocketError | undefined;
    let textField: string | undefined;
    const fail = (err: RocketError) => {
      failure ??= err;
    };
    parser.on('file', (name, stream, info) => {
      if (name !== limits.field) {
        fail(
          new RocketError(
            'UNEXPECTED_FIELD',
            `Expected the file in field "${limits.field}" but received field "${name}"`,
          ),
        );
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(limits.maxBytes)));
      const upload: Upload = { data: Buffer.alloc(0), mimeType: info.mimeType, filename: info.filename };
      uploads.push(upload);
      stream.on('end', () => {
        upload.data = Buffer.concat(chunks);
      });
    });
    parser.on('field', (name) => {
      if (name === limits.field) textField = name;
    });
    parser.on('filesLimit', () =>
      fail(
        new RocketError(
          'TOO_MANY_FILES',
          (limits.maxFiles ?? 1) === 1
            ? 'Send exactly one file per request'
            : `Send at most ${limits.maxFiles} files per request`,
        ),
      ),
    );
    parser.on('partsLimit', () =>
      fail(new RocketError('MALFORMED_MULTIPART', `The body has more than ${MULTIPART_LIMITS.parts} parts`)),
    );
    parser.on('fieldsLimit', () =>
      fail(
        new RocketError(
          'MALFORMED_MULTIPART',
          `The body has more than ${MULTIPART_LIMITS.fields} text fields`,
        ),
      ),
    );
    parser.on('error', (err: Error) =>
      reject(
        failure ?? new RocketError('MALFORMED_MULTIPART', `Cannot parse the multipart body: ${err.message}`),
      ),
    );
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (uploads.some((u) => u.data.length === 0)) {
        reject(new RocketError('EMPTY_INPUT', 'The uploaded file is empty'));
      } else if (uploads.length > 0) resolve(uploads);
      else if (textField) {
        reject(
          new RocketError(
            'MISSING_INPUT',
            `Field "${limits.field}" was sent as text; send it as a file (curl -F ${limits.field}=@photo.jpg)`,
          ),
        );
      } else reject(new RocketError('MISSING_INPUT', `No file part named "${limits.field}" was sent`));
    });
    if (req.rawBody) {
      if (req.rawBody.length > limits.maxBytes) reject(tooLarge(limits.maxBytes));
      else parser.end(req.rawBody);
    } else {
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          req.unpipe(parser);
          reject(tooLarge(limits.maxBytes));
        }
      });
      req.pipe(parser);
    }
  });
}
