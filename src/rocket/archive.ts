import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import * as tar from 'tar';
import { RocketError } from '../errors.js';
import { readManifest } from './manifest.js';
import { redactUrl } from './redact.js';

/** What {@link checkEntries} looks at in one archive entry. */
export interface ArchiveEntry {
  path: string;
  type: string;
  linkpath?: string;
  size: number;
}

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);
const MAX_ENTRIES = 10_000;

/** True when a relative archive path, resolved lexically, stays inside its root. */
function staysInside(path: string): boolean {
  if (path === '' || posix.isAbsolute(path) || /^[a-z]:/i.test(path) || path.includes('\\')) return false;
  const normal = posix.normalize(path);
  return normal !== '..' && !normal.startsWith('../');
}

/**
 * Everything wrong with an archive's entries, before anything is written: absolute paths, `..`,
 * devices and FIFOs, symbolic links that resolve outside, hard links to outside targets, entries
 * written through a symbolic link, and more bytes or entries than allowed. Empty when safe.
 */
export function checkEntries(entries: readonly ArchiveEntry[], maxBytes: number): string[] {
  const problems: string[] = [];
  const links = new Set(
    entries.filter((e) => e.type === 'SymbolicLink').map((e) => posix.normalize(e.path).replace(/\/$/, '')),
  );
  const throughLink = (path: string) => {
    const parts = posix.normalize(path).split('/');
    return parts.slice(0, -1).some((_, i) => links.has(parts.slice(0, i + 1).join('/')));
  };
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (!staysInside(e.path)) problems.push(`"${e.path}" would land outside the rocket directory`);
    else if (!ALLOWED_TYPES.has(e.type)) problems.push(`"${e.path}" is a ${e.type}, not a file or directory`);
    else if (throughLink(e.path)) problems.push(`"${e.path}" would be written through a symbolic link`);
    else if (e.type === 'SymbolicLink') {
      const target = posix.join(posix.dirname(posix.normalize(e.path)), e.linkpath ?? '');
      if (!e.linkpath || posix.isAbsolute(e.linkpath) || !staysInside(target))
        problems.push(`symbolic link "${e.path}" -> "${e.linkpath}" points outside the rocket directory`);
    } else if (e.type === 'Link' && (!staysInside(e.linkpath ?? '') || throughLink(e.linkpath ?? ''))) {
      problems.push(`hard link "${e.path}" -> "${e.linkpath}" points outside the rocket directory`);
    }
  }
  if (entries.length > MAX_ENTRIES) problems.push(`${entries.length} entries (the limit is ${MAX_ENTRIES})`);
  if (total > maxBytes) problems.push(`${total} bytes unpacked; the limit (MAX_ROCKET_BYTES) is ${maxBytes}`);
  return problems;
}

/** ROCKET_ARCHIVE_INVALID naming the archive's URL (redacted). */
export function archiveInvalid(url: string, why: string, cause?: unknown): RocketError {
  return new RocketError('ROCKET_ARCHIVE_INVALID', `Rocket archive ${redactUrl(url)}: ${why}`, { cause });
}

/**
 * Unpacks a rocket.tar.gz into `dest` after checking every entry ({@link checkEntries}); any
 * problem rejects the whole archive with ROCKET_ARCHIVE_INVALID. After extraction, every symbolic
 * link is resolved on disk once more and must stay inside `dest`.
 */
export async function unpackArchive(
  file: string,
  dest: string,
  url: string,
  maxBytes: number,
): Promise<void> {
  const entries: ArchiveEntry[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (e) => entries.push({ path: e.path, type: e.type, linkpath: e.linkpath, size: e.size }),
    });
  } catch (err) {
    throw archiveInvalid(url, `not a readable tar.gz (${(err as Error).message})`, err);
  }
  const problems = checkEntries(entries, maxBytes);
  if (problems.length > 0) throw archiveInvalid(url, `unsafe or unusable:\n  - ${problems.join('\n  - ')}`);
  await mkdir(dest, { recursive: true });
  try {
    await tar.x({ file, cwd: dest, strict: true, unlink: true, preserveOwner: false });
  } catch (err) {
    throw archiveInvalid(url, `cannot unpack (${(err as Error).message})`, err);
  }
  const root = await realpath(dest);
  for (const item of await readdir(dest, { recursive: true, withFileTypes: true })) {
    if (!item.isSymbolicLink()) continue;
    const link = join(item.parentPath ?? (item as { path?: string }).path ?? dest, item.name);
    const target = await realpath(link).catch(() => undefined);
    if (!target || !isInside(root, target))
      throw archiveInvalid(
        url,
        `symbolic link ${relative(dest, link)} points outside the rocket or to nothing`,
      );
  }
}

/** Whether `path` is `root` or lies below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The rocket inside an unpacked archive: `dest` itself when it holds rocket.json, else its only
 * top-level directory when that holds rocket.json, else its only top-level .onnx file. The
 * manifest's model and labels must stay inside the rocket.
 */
export async function locateRocket(dest: string, url: string): Promise<string> {
  const top = (await readdir(dest, { withFileTypes: true })).filter((d) => !d.name.startsWith('.'));
  const onlyDir = top.length === 1 && top[0]?.isDirectory() ? join(dest, top[0].name) : undefined;
  const dir = existsSync(join(dest, 'rocket.json'))
    ? dest
    : onlyDir && existsSync(join(onlyDir, 'rocket.json'))
      ? onlyDir
      : undefined;
  if (!dir) {
    const models = top.filter((d) => d.isFile() && d.name.endsWith('.onnx'));
    if (models.length === 1 && models[0]) return join(dest, models[0].name);
    throw archiveInvalid(url, 'has neither rocket.json nor exactly one .onnx file at its top');
  }
  await checkManifestPaths(dir, (why) => archiveInvalid(url, why));
  return dir;
}

/**
 * Checks that the files a rocket directory's rocket.json names (model, labels, mapping) are
 * relative paths that stay inside the directory, also after following links. `fail` makes the
 * error to throw.
 */
export async function checkManifestPaths(dir: string, fail: (why: string) => Error): Promise<void> {
  const manifest = readManifest(join(dir, 'rocket.json'));
  const root = await realpath(dir);
  const named = [manifest.model, manifest.labels, (manifest as Record<string, unknown>).mapping];
  for (const path of named.filter((p): p is string => typeof p === 'string' && p !== '')) {
    const full = resolve(dir, path);
    const real = existsSync(full) ? await realpath(full) : full;
    if (isAbsolute(path) || !isInside(dir, full) || !isInside(root, real))
      throw fail(`rocket.json names "${path}", which is outside the rocket directory`);
  }
}
