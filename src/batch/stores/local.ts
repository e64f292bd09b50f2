import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import { mkdir, opendir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { RocketError } from '../../errors.js';
import { reasonOf } from '../../rocket/sources/download.js';
import { tooLarge, unlessMissing, unreadable, unwritable } from './errors.js';
import { LIST_PAGE, type ObjectStore } from './types.js';

const isMissing = (err: unknown) => (err as { code?: string }).code === 'ENOENT';

/**
 * A local file's bytes.
 * @throws RocketError INPUT_UNREADABLE (absent, denied, a folder), PAYLOAD_TOO_LARGE past `maxBytes`
 */
export async function readLocalFile(path: string, maxBytes: number): Promise<Buffer> {
  try {
    if ((await stat(path)).size > maxBytes) throw tooLarge(path, maxBytes);
    return await readFile(path);
  } catch (err) {
    if (err instanceof RocketError) throw err;
    throw unreadable(path, reasonOf(err), err);
  }
}

/** A local folder as an {@link ObjectStore}: keys are paths relative to `root`. */
export class LocalStore implements ObjectStore {
  constructor(private readonly root: string) {}

  uri(key: string): string {
    return key === '' ? this.root : join(this.root, key);
  }

  /**
   * Every file under `prefix`, depth first, in the order the file system gives (one directory
   * handle open per level, never a whole directory's names). Names starting with "." are skipped;
   * symbolic links are followed to files, not to folders.
   */
  async *list(prefix: string): AsyncGenerator<string[]> {
    let page: string[] = [];
    for await (const key of this.walk(prefix)) {
      page.push(key);
      if (page.length === LIST_PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  private async *walk(folder: string): AsyncGenerator<string> {
    const dir = await opendir(this.uri(folder));
    for await (const entry of dir) {
      if (entry.name.startsWith('.')) continue;
      const key = `${folder}${entry.name}`;
      if (entry.isDirectory()) yield* this.walk(`${key}/`);
      else if (await this.isFile(entry, key)) yield key;
    }
  }

  private async isFile(entry: Dirent, key: string): Promise<boolean> {
    if (entry.isFile()) return true;
    if (!entry.isSymbolicLink()) return false;
    return (await stat(this.uri(key)).catch(() => undefined))?.isFile() ?? false;
  }

  read(key: string, maxBytes: number): Promise<Buffer> {
    return readLocalFile(this.uri(key), maxBytes);
  }

  readIfExists(key: string, maxBytes: number): Promise<Buffer | undefined> {
    return unlessMissing(this.read(key, maxBytes), isMissing);
  }

  /** Writes to a temporary file beside it, then renames: a reader never sees half a file. */
  async write(key: string, body: Buffer | { file: string }): Promise<void> {
    const path = this.uri(key);
    const partial = join(dirname(path), `.${basename(path)}.${randomUUID()}.partial`);
    try {
      await mkdir(dirname(path), { recursive: true });
      if (Buffer.isBuffer(body)) await writeFile(partial, body);
      else await pipeline(createReadStream(body.file), createWriteStream(partial));
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw unwritable(path, err);
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.uri(key), { force: true });
  }
}
