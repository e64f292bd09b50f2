import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The folders under DATA_DIR that hold request bodies and results. */
export type BlobKind = 'inputs' | 'results';

const KINDS: readonly BlobKind[] = ['inputs', 'results'];

/**
 * Request bodies and results of the SQLite store, as files under DATA_DIR (`inputs/<uuid>`,
 * `results/<uuid>`), read and written with fs/promises: better-sqlite3 is synchronous, so bodies
 * of up to MAX_UPLOAD_BYTES stay out of the database and off the event loop, which the database
 * only blocks for a few small rows.
 *
 * A file is written under a new name before the transaction that refers to it commits: that commit
 * publishes it, so no reader ever sees a partly written file and a late writer never replaces a
 * file another transaction refers to (no temporary name and rename are needed). A process that
 * dies between the write and the commit leaves a file nothing refers to; {@link BlobFiles.orphans}
 * finds those for purge.
 */
export class BlobFiles {
  /** Creates the folders (at open, synchronously like the database); throws as fs does when it cannot, or they are not writable. */
  constructor(readonly dir: string) {
    for (const kind of KINDS) {
      mkdirSync(join(dir, kind), { recursive: true });
      accessSync(join(dir, kind), constants.R_OK | constants.W_OK);
    }
  }

  /** Writes `data` under a new name and returns that name (`inputs/<uuid>`), relative to the folder. */
  async write(kind: BlobKind, data: Buffer): Promise<string> {
    const name = `${kind}/${randomUUID()}`;
    await writeFile(join(this.dir, name), data, { flag: 'wx' });
    return name;
  }

  read(name: string): Promise<Buffer> {
    return readFile(join(this.dir, name));
  }

  /** Removes the named files; names that are null or already gone are skipped. */
  async remove(names: readonly (string | null)[]): Promise<void> {
    await Promise.all(
      names.map((n) => (n === null ? undefined : unlink(join(this.dir, n)).catch(ignoreGone))),
    );
  }

  /** Names of the files last modified before `before` (epoch ms) for which `isKept` is false. */
  async orphans(before: number, isKept: (name: string) => boolean): Promise<string[]> {
    const found: string[] = [];
    for (const kind of KINDS) {
      for (const file of await readdir(join(this.dir, kind))) {
        const name = `${kind}/${file}`;
        const info = await stat(join(this.dir, name)).catch(() => undefined);
        if (info && info.mtimeMs < before && !isKept(name)) found.push(name);
      }
    }
    return found;
  }
}

/** A file already removed (by another process, or a purge) is what removing it wanted. */
function ignoreGone(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
