import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { arch, cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { digestModel, MEMO_SUFFIX, type ModelDigest, markUsed } from './model-digest.js';

// onnxruntime's optimized copy of a model (`optimizedModelFilePath`), kept in CACHE_DIR/optimized so
// that later starts on the same machine skip the graph optimisation: YOLOv8n's session is created in
// 21-27 ms instead of 39-41 on an idle process here (docs/operations.md, "Cold start, 2026-12-04
// (later)"). At the 'all' level the copy may hold layouts for this
// CPU's vector width (onnxruntime warns that it belongs to the machine it was made on), so a copy
// is found by a key over everything it depends on: the model's bytes, onnxruntime's version and
// the CPU's identity and feature flags. A model that may keep weights in other files is not cached:
// the key would not cover them. What the key needs of the model's bytes is remembered beside the
// copies (model-digest.ts), so that a start which finds its copy does not read the model.

/** Bumped whenever what the key covers, or how a copy is made, changes. */
const FORMAT = 1;
/** How many copies (and memos of model digests) the cache keeps: the most recently used; older ones are removed when a copy is saved. */
const KEEP = 8;
/** Models larger than this are not cached: onnxruntime saves a copy as one protobuf, which stops at 2 GiB. */
const MAX_MODEL_BYTES = 1024 * 2 ** 20;
/** How a copy's file name ends: `<key>.ort.onnx`. */
const COPY_SUFFIX = '.ort.onnx';

/** Where the copies are kept in CACHE_DIR `cacheDir`. */
export function optimizedModelDir(cacheDir: string): string {
  return join(cacheDir, 'optimized');
}

/** What the key covers besides the model's bytes. */
export interface MachineKey {
  onnxruntime: string;
  cpu: string;
}

/** How a CPU session is created with the cache. */
export type OptimizedModel =
  /** A copy made earlier: create the session from it, with graph optimisation off. */
  | { use: 'load'; path: string }
  /** No copy yet: optimise the model as usual, have onnxruntime write the copy to `partial`, then {@link saveOptimizedModel}. */
  | { use: 'save'; path: string; partial: string }
  /** No cache for this model: create the session from it as usual. */
  | { use: 'none'; why: string };

/**
 * The CPU as onnxruntime's optimisations see it: the first CPU's vendor, model and feature flags
 * from `cpuinfo` (Linux's /proc/cpuinfo), else (null: no such file) the model name Node reports.
 */
export function cpuIdentity(cpuinfo: string | null = readCpuinfo()): string {
  const keys =
    /^(vendor_id|model name|flags|Features|CPU implementer|CPU architecture|CPU variant|CPU part)\s*:/;
  const first = (cpuinfo ?? '').split(/\n\s*\n/)[0] ?? '';
  const lines = first.split('\n').filter((line) => keys.test(line));
  return [arch(), ...(lines.length > 0 ? lines : [cpus()[0]?.model ?? 'unknown CPU'])].join('\n');
}

function readCpuinfo(): string | null {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}

/**
 * Where the cache in `dir` has the optimized copy of the model at `modelPath`, or (with `saves`)
 * would keep one. The key needs the model's sha256: the first look at a model file reads it whole,
 * later ones find the digest remembered (model-digest.ts). So a worker that does not save looks
 * only when the cache holds some copy. `now` is the clock, in ms. Never throws: a cache it cannot
 * use is `none`.
 */
export function findOptimizedModel(
  modelPath: string,
  dir: string,
  machine: MachineKey,
  saves: boolean,
  now = Date.now(),
): OptimizedModel {
  if (!saves && copiesIn(dir).length === 0)
    return { use: 'none', why: 'no copy yet (a worker behind this one saves it)' };
  let digest: ModelDigest;
  try {
    const info = statSync(modelPath, { bigint: true });
    if (info.size > MAX_MODEL_BYTES) return { use: 'none', why: 'the model is over 1 GiB' };
    if (saves) mkdirSync(dir, { recursive: true });
    digest = digestModel(modelPath, info, dir, now);
  } catch (err) {
    return { use: 'none', why: (err as Error).message };
  }
  if (digest.mayHaveExternalData)
    return { use: 'none', why: 'the model may keep weights in other files (external data)' };
  const key = createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, ...machine, model: digest.sha256 }))
    .digest('hex');
  const path = join(dir, `${key}${COPY_SUFFIX}`);
  if (markUsed(path)) return { use: 'load', path };
  return saves ? savePlan(path) : NO_COPY_OF_THIS_MODEL;
}

const NO_COPY_OF_THIS_MODEL: OptimizedModel = {
  use: 'none',
  why: 'no copy of this model yet (a worker behind this one saves it)',
};

/** Where `path`'s copy is made: a partial file of this thread's, renamed to `path` once written. */
function savePlan(path: string): OptimizedModel {
  const partial = join(dirname(path), `.partial-${process.pid}-${threadId}-${basename(path, COPY_SUFFIX)}`);
  return { use: 'save', path, partial };
}

/**
 * Removes a copy onnxruntime could not load and says what to do instead: make it again (with
 * `saves`), or go without. The key is the copy's own, so the model is not read again.
 */
export function discardCopy(path: string, saves: boolean): OptimizedModel {
  rmSync(path, { force: true });
  return saves ? savePlan(path) : NO_COPY_OF_THIS_MODEL;
}

/** The copies in `dir` with when each was last used (saved, or found); none when `dir` cannot be read. */
export function copiesIn(dir: string): { path: string; usedMs: number }[] {
  return filesIn(dir, COPY_SUFFIX);
}

/** The files in `dir` whose names end with `suffix`, with when each was last used. */
function filesIn(dir: string, suffix: string): { path: string; usedMs: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    // A file another process removed meanwhile is not there.
    const info = name.endsWith(suffix) ? statSync(path, { throwIfNoEntry: false }) : undefined;
    return info ? [{ path, usedMs: info.mtimeMs }] : [];
  });
}

/**
 * Puts the copy onnxruntime wrote in its place (an atomic rename, so a concurrent start never reads
 * half a file) and removes the least recently used copies, and memos, beyond {@link KEEP}. Returns what happened,
 * for the startup log.
 */
export function saveOptimizedModel(plan: { path: string; partial: string }, dir: string): string {
  try {
    if (statSync(plan.partial).size === 0) throw new Error('onnxruntime wrote an empty file');
    renameSync(plan.partial, plan.path);
  } catch (err) {
    rmSync(plan.partial, { force: true });
    return `not saved: ${(err as Error).message}`;
  }
  pruneCopies(dir);
  return 'saved';
}

/** Removes the partial copy a failed session creation left (or any file of the cache); never throws. */
export function discardOptimizedModel(path: string): void {
  rmSync(path, { force: true });
}

function pruneCopies(dir: string): void {
  for (const suffix of [COPY_SUFFIX, MEMO_SUFFIX]) {
    const files = filesIn(dir, suffix).sort((a, b) => b.usedMs - a.usedMs);
    for (const { path } of files.slice(KEEP)) rmSync(path, { force: true });
  }
}
