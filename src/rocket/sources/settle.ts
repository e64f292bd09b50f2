import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { archiveInvalid, locateRocket, unpackArchive } from '../archive.js';
import { downloadFailed } from './download.js';

/**
 * Turns a finished download into a cache entry's content under `contentDir`: a gzip stream is
 * unpacked as a rocket archive, anything else must be an ONNX model (a protobuf starting with the
 * `ir_version` field). Returns the path of the rocket (directory or model file).
 */
export async function settleDownload(
  file: string,
  contentDir: string,
  fileName: string,
  url: string,
  maxBytes: number,
): Promise<string> {
  const head = Buffer.alloc(2);
  const handle = await open(file, 'r');
  await handle.read(head, 0, 2, 0).finally(() => handle.close());
  if (head[0] === 0x1f && head[1] === 0x8b) {
    await unpackArchive(file, contentDir, url, maxBytes);
    return locateRocket(contentDir, url);
  }
  if (/\.(tar\.gz|tgz)$/i.test(url.split(/[?#]/)[0] ?? ''))
    throw archiveInvalid(url, 'is not gzip-compressed');
  if (head[0] !== 0x08) throw downloadFailed(url, 'the data is neither an ONNX model nor a rocket.tar.gz');
  const path = join(contentDir, fileName);
  await mkdir(dirname(path), { recursive: true });
  await rename(file, path);
  return path;
}
