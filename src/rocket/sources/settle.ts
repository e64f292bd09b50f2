import { existsSync } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { archiveInvalid, locateRocket, unpackArchive } from '../archive.js';
import { readManifest } from '../manifest.js';
import { downloadFailed } from './download.js';
import { verifyModelFile } from './verify.js';

/**
 * Turns a finished download into a cache entry's content under `contentDir`: a gzip stream is
 * unpacked as a rocket archive (gzip's own length and CRC catch a cut-off archive), anything else
 * must be an ONNX model (a protobuf starting with the `ir_version` field). Either way the model
 * must be whole ({@link verifyModelFile}) before this returns. Returns the path of the rocket
 * (directory or model file).
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
    const rocket = await locateRocket(contentDir, url);
    await verifyModelFile(await archivedModel(rocket, url), url);
    return rocket;
  }
  if (/\.(tar\.gz|tgz)$/i.test(url.split(/[?#]/)[0] ?? ''))
    throw archiveInvalid(url, 'is not gzip-compressed');
  if (head[0] !== 0x08) throw downloadFailed(url, 'the data is neither an ONNX model nor a rocket.tar.gz');
  await verifyModelFile(file, url);
  const path = join(contentDir, fileName);
  await mkdir(dirname(path), { recursive: true });
  await rename(file, path);
  return path;
}

/** The model file of an unpacked rocket (a model file itself, or a directory with rocket.json). */
async function archivedModel(rocket: string, url: string): Promise<string> {
  if (!(await stat(rocket)).isDirectory()) return rocket;
  const named = readManifest(join(rocket, 'rocket.json')).model;
  const model = resolve(rocket, named);
  if (!existsSync(model))
    throw archiveInvalid(url, `rocket.json names model ${named}, which the archive lacks`);
  return model;
}
