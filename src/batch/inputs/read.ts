import { reasonOf } from '../../rocket/sources/download.js';
import { parseLocation } from '../location.js';
import { readCapped, unreadable } from '../stores/errors.js';
import type { Stores } from '../stores/index.js';
import { readLocalFile } from '../stores/local.js';

/** An http(s) URI of a listing, fetched (redirects followed). */
async function readHttp(uri: string, maxBytes: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(uri, { redirect: 'follow' });
  } catch (err) {
    throw unreadable(uri, reasonOf(err), err);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw unreadable(uri, `the server answered ${res.status}`);
  }
  const announced = Number(res.headers.get('content-length') ?? Number.NaN);
  try {
    return await readCapped(res.body, uri, maxBytes, Number.isFinite(announced) ? announced : undefined);
  } catch (err) {
    if ((err as { code?: string }).code === 'PAYLOAD_TOO_LARGE') throw err;
    throw unreadable(uri, `the download broke off (${reasonOf(err)})`, err);
  }
}

/**
 * The bytes of one input: a local path or file:// URI, gs:// or s3:// (through the batch's shared
 * clients), or http(s):// (from a listing file).
 * @throws RocketError INPUT_UNREADABLE, PAYLOAD_TOO_LARGE past `maxBytes` (MAX_UPLOAD_BYTES)
 */
export async function readInput(uri: string, stores: Stores, maxBytes: number): Promise<Buffer> {
  if (/^https?:\/\//i.test(uri)) return readHttp(uri, maxBytes);
  let location: ReturnType<typeof parseLocation>;
  try {
    location = parseLocation(uri);
  } catch (err) {
    throw unreadable(uri, 'expected a path, file://, gs://, s3://, http:// or https://', err);
  }
  if (location.kind === 'local') return readLocalFile(location.path, maxBytes);
  if (location.prefix === '' || location.prefix.endsWith('/')) throw unreadable(uri, 'it names no object');
  return stores.of(location).read(location.prefix, maxBytes);
}
