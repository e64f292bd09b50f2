import { describe, expect, it } from 'vitest';
import { parseForm } from '../../src/http/multipart-form.js';
import { imageFilesBody, imageRawBody, multipartBody } from '../../src/jobs/stored-request.js';

const file = (data: string, filename = 'a.jpg', mimeType = 'image/jpeg') => ({
  field: 'input',
  data: Buffer.from(data),
  filename,
  mimeType,
});
/** The first bytes of a HEIC photo: an ISO-BMFF `ftyp` box with the `heic` brand. */
const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);

describe('the stored request of an image job', () => {
  it('keeps one file as a raw body with its image type (another type becomes octet-stream)', () => {
    expect(imageFilesBody([file('jpeg bytes')], 'input')).toEqual({
      contentType: 'image/jpeg',
      body: Buffer.from('jpeg bytes'),
    });
    expect(imageFilesBody([file('x', 'a.bin', 'text/plain')], 'input').contentType).toBe(
      'application/octet-stream',
    );
  });

  it('writes several files as input parts that busboy reads back, with a boundary from their bytes', async () => {
    const files = [file('first', 'one "quoted".jpg'), file('second\r\n--x', 'two.png', 'image/png')];
    const stored = multipartBody(files);
    expect(multipartBody(files)).toEqual(stored); // the same files, the same body and hash
    expect(multipartBody([files[1] as never, files[0] as never]).contentType).not.toBe(stored.contentType);
    const boundary = stored.contentType.split('boundary=')[1] ?? '';
    expect(boundary.length).toBeLessThanOrEqual(70);
    const form = await parseForm(stored.body, stored.contentType, 16);
    expect(form.files.map((f) => [f.field, f.filename, f.mimeType, f.data.toString()])).toEqual([
      ['input', 'one _quoted_.jpg', 'image/jpeg', 'first'],
      ['input', 'two.png', 'image/png', 'second\r\n--x'],
    ]);
  });

  it.each([
    ['no file', () => imageFilesBody([], 'input'), 'MISSING_INPUT'],
    ['an empty file', () => imageFilesBody([file('')], 'input'), 'EMPTY_INPUT'],
    ['a HEIC file', () => imageFilesBody([{ ...file(''), data: heic }], 'input'), 'UNSUPPORTED_IMAGE_FORMAT'],
    ['no body and no type', () => imageRawBody('', '', Buffer.alloc(0)), 'MISSING_INPUT'],
    [
      'a text body',
      () => imageRawBody('text/plain', 'text/plain', Buffer.from('x')),
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an empty image body', () => imageRawBody('image/png', 'image/png', Buffer.alloc(0)), 'EMPTY_INPUT'],
  ])('refuses %s as /process does', (_, make, code) => {
    expect(make).toThrow(expect.objectContaining({ code }));
  });
});
