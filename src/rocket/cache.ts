import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { RocketError } from '../errors.js';
import { isInside } from './archive.js';
import { cacheKeyUrl, redactUrl } from './redact.js';
import type { Download, ProgressReporter } from './sources/download.js';
import { receive } from './sources/receive.js';
import { settleDownload } from './sources/settle.js';

/** Where and how much {@link fetchIntoCache} may download. */
export interface CacheContext {
  cacheDir: string;
  maxBytes: number;
  progress?: ProgressReporter;
}

/** One remote rocket to fetch once and keep. */
export interface CacheRequest {
  /** The URL for messages and progress; shown only through {@link redactUrl}. */
  url: string;
  /**
   * The entry's identity: requests with the same key share one cache entry. Keyed through
   * {@link cacheKeyUrl}, so userinfo and signing parameters do not count.
   */
  key: string;
  /** The name a bare .onnx download is stored under. */
  fileName: string;
  /** Expected sha256 (hex), or how to learn it; asked only when the entry is not cached yet. */
  sha256?: string | (() => Promise<string | undefined>);
  open(): Promise<Download>;
}

const ENTRY_FILE = 'entry.json';
const PARTIAL = '.partial-';
const STALE_PARTIAL_MS = 24 * 3600 * 1000;

/**
 * The entry directory's name: a readable slug of the key's path plus a hash of all of the key
 * (its query string counts in the hash only, so no parameter value shows in the name).
 */
export function entryName(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const slug = key
    .replace(/^[a-z0-9+.-]+:\/\//i, '')
    .replace(/[?#].*$/, '')
    .split('/')
    .slice(-3)
    .join('-')
    .replace(/[^\w.-]+/g, '_')
    .slice(-60);
  return `${slug}-${hash}`;
}

/** The cached path (model file or rocket directory) of a complete entry, or undefined. */
async function readEntry(dir: string): Promise<string | undefined> {
  try {
    const entry = JSON.parse(await readFile(join(dir, ENTRY_FILE), 'utf8')) as { path?: unknown };
    if (typeof entry.path !== 'string') return undefined;
    const path = resolve(dir, entry.path);
    return isInside(dir, path) && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the local path of a remote rocket, downloading it on the first call only. The download
 * goes into a private `.partial-*` directory inside `cacheDir` (streamed, size-bounded, hashed,
 * checked against the expected sha256, unpacked when it is a rocket.tar.gz, its model checked to
 * be whole), which is renamed into place only when complete: a cache entry is either whole or
 * absent. When two processes race, the first rename wins and the other uses the winner's entry.
 * Any failure removes the partial directory and names the URL, redacted.
 */
export async function fetchIntoCache(req: CacheRequest, ctx: CacheContext): Promise<string> {
  const url = redactUrl(req.url);
  const dir = join(ctx.cacheDir, entryName(cacheKeyUrl(req.key)));
  const cached = await readEntry(dir);
  if (cached) return cached;
  let partial: string;
  try {
    await mkdir(ctx.cacheDir, { recursive: true });
    await sweepStalePartials(ctx.cacheDir);
    partial = await mkdtemp(join(ctx.cacheDir, `${PARTIAL}${process.pid}-`));
  } catch (err) {
    const why = `CACHE_DIR ${ctx.cacheDir} is not writable (${(err as Error).message})`;
    throw new RocketError('ROCKET_DOWNLOAD_FAILED', `Cannot download rocket ${url}: ${why}`, {
      cause: err,
    });
  }
  try {
    const expected = typeof req.sha256 === 'function' ? await req.sha256() : req.sha256;
    const file = join(partial, 'download');
    const options = { url, maxBytes: ctx.maxBytes, progress: ctx.progress };
    const { sha256, bytes } = await receive(await req.open(), file, options);
    if (expected && sha256 !== expected.toLowerCase()) {
      throw new RocketError(
        'ROCKET_CHECKSUM_MISMATCH',
        `Rocket ${url}: expected sha256 ${expected.toLowerCase()} but the ${bytes} bytes downloaded have sha256 ${sha256}`,
      );
    }
    const path = await settleDownload(file, join(partial, 'content'), req.fileName, url, ctx.maxBytes);
    const entry = { url, sha256, bytes, path: relative(partial, path) };
    await writeFile(join(partial, ENTRY_FILE), `${JSON.stringify(entry, null, 2)}\n`);
    await chmod(partial, 0o755); // mkdtemp makes it private; a cache baked into an image is read by other users
    return await commit(partial, dir);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Renames a complete partial directory into place; if another process got there first, uses theirs. */
async function commit(partial: string, dir: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(partial, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      const theirs = await readEntry(dir);
      if (theirs) return theirs;
      if (attempt > 0) throw err;
      // A damaged entry (files removed by hand): move it aside, then take its place.
      const aside = `${dir}.stale-${process.pid}-${Date.now()}`;
      await rename(dir, aside).catch(() => {});
      await rm(aside, { recursive: true, force: true });
      continue;
    }
    const ours = await readEntry(dir);
    if (!ours) throw new Error(`cache entry ${dir} is incomplete after rename`);
    return ours;
  }
}

/** Removes partial downloads older than a day (left by killed processes). */
async function sweepStalePartials(cacheDir: string): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(PARTIAL))) {
    const path = join(cacheDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_PARTIAL_MS)
      await rm(path, { recursive: true, force: true });
  }
}
