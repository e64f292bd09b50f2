import { createHash } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

// What the optimized-model cache must know of a model's bytes, and a memo of it kept beside the
// copies, so that a start which finds its copy does not read the model again: the memo is found by
// the model file's identity (device, inode, size, and its modification and change times to the
// nanosecond). Writing a file's bytes moves its change time, which no program can set back, so a
// file with the same identity has the same bytes. A file changed within the clock's granularity of
// being looked at could keep its times, as git's index knows ("racy" files): the memo is only
// written for a file left unchanged for SETTLED_MS before it was read.

/** What the cache needs to know of a model's bytes. */
export interface ModelDigest {
  sha256: string;
  /** Whether its bytes hold the key every external tensor names its file under (ONNX `external_data`). */
  mayHaveExternalData: boolean;
}

/** How a memo's file name ends: `<identity key>.digest.json`. */
export const MEMO_SUFFIX = '.digest.json';
/** Bumped whenever what a memo's identity covers, or what it holds, changes. */
const MEMO_FORMAT = 1;
/** How long a model must have been left unchanged before its digest is remembered. */
const SETTLED_MS = 2000;
const EXTERNAL_DATA_KEY = Buffer.from('location');
const CHUNK_BYTES = 2 ** 20;

/**
 * The digest of the model at `modelPath` (whose stat is `info`): remembered in `memoDir` when a
 * start has read the same file before, else read from the file and remembered there (best effort:
 * a memo that cannot be written is not). `now` is the clock, in ms. Throws what reading the model throws.
 */
export function digestModel(
  modelPath: string,
  info: BigIntStats,
  memoDir: string,
  now = Date.now(),
): ModelDigest {
  const identity = identityKey(info);
  const memo = join(memoDir, `${identity}${MEMO_SUFFIX}`);
  const remembered = readMemo(memo);
  if (remembered) return remembered;
  const digest = readDigest(modelPath);
  // Unchanged while it was read, too.
  if (settled(info, now) && identityKey(statSync(modelPath, { bigint: true })) === identity)
    writeMemo(memo, digest);
  return digest;
}

function identityKey(info: BigIntStats): string {
  const { dev, ino, size, mtimeNs, ctimeNs } = info;
  const identity = [MEMO_FORMAT, dev, ino, size, mtimeNs, ctimeNs].join(' ');
  return createHash('sha256').update(identity).digest('hex');
}

/** Whether the file's bytes were last written SETTLED_MS or more before `now` (a write moves the change time). */
function settled(info: BigIntStats, now: number): boolean {
  return info.ctimeMs <= BigInt(Math.floor(now - SETTLED_MS));
}

/** The memo at `path`, marked used (for the pruning beside the copies); none when absent or not a memo. */
function readMemo(path: string): ModelDigest | undefined {
  let memo: unknown;
  try {
    memo = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isDigest(memo)) return undefined;
  markUsed(path); // false when another start's pruning removed it meanwhile: what it held is still right
  return { sha256: memo.sha256, mayHaveExternalData: memo.mayHaveExternalData };
}

/**
 * Marks a file of the cache used now, for the pruning beside the copies (the least recently used
 * go first); false when there is no such file.
 */
export function markUsed(path: string): boolean {
  try {
    const now = new Date();
    utimesSync(path, now, now);
    return true;
  } catch {
    return false;
  }
}

function isDigest(value: unknown): value is ModelDigest {
  const memo = value as Partial<ModelDigest> | null;
  return (
    typeof memo?.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(memo.sha256) &&
    typeof memo.mayHaveExternalData === 'boolean'
  );
}

/** Writes the memo whole or not at all (a partial file, renamed), so a concurrent start never reads half of one. */
function writeMemo(path: string, digest: ModelDigest): void {
  const partial = `${path}.partial-${process.pid}-${threadId}`;
  try {
    writeFileSync(partial, JSON.stringify(digest));
    renameSync(partial, path);
  } catch {
    // A cache that cannot be written only means the next start reads the model again.
  }
}

/** The model's sha256, and whether its bytes hold the key external tensors name their files with. */
function readDigest(modelPath: string): ModelDigest {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(CHUNK_BYTES + EXTERNAL_DATA_KEY.length);
  let mayHaveExternalData = false;
  let carried = 0;
  const fd = openSync(modelPath, 'r');
  try {
    for (;;) {
      const read = readSync(fd, buffer, carried, CHUNK_BYTES, null);
      if (read === 0) break;
      hash.update(buffer.subarray(carried, carried + read));
      const seen = buffer.subarray(0, carried + read);
      if (!mayHaveExternalData && seen.includes(EXTERNAL_DATA_KEY)) mayHaveExternalData = true;
      // The last bytes are kept ahead of the next chunk, so a key across two reads is seen.
      carried = Math.min(EXTERNAL_DATA_KEY.length - 1, seen.length);
      seen.copy(buffer, 0, seen.length - carried);
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), mayHaveExternalData };
}
