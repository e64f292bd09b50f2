import { stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { RocketError } from '../../errors.js';
import { asFolder, parseLocation } from '../location.js';
import type { Stores } from '../stores/index.js';
import type { ObjectStore } from '../stores/types.js';
import { listingUris } from './listing-file.js';
import { nameOfUri, safeName } from './names.js';

/** One input of a batch: its URI (the results line's `input`, what it is sharded by) and the name outputs take. */
export interface BatchInput {
  uri: string;
  /** Relative, '/'-separated, inside the output folder: `images/<name>` with --images. */
  name: string;
}

/** What INPUT names; `list()` may be called more than once (the progress counts a second listing). */
export interface InputSource {
  /** folder, glob, bucket or listing. */
  kind: 'folder' | 'glob' | 'bucket' | 'listing';
  list(): AsyncIterable<BatchInput>;
}

/** Which listed files are inputs: by their name (relative to INPUT) and by their URI. */
interface Filters {
  /** The rocket's kind of input, by name (folders and prefixes only). */
  accept: (name: string) => boolean;
  /** The batch's own outputs, when OUTPUT is inside INPUT: never inputs. */
  isOutput: (uri: string) => boolean;
}

/** Inputs under a folder of a store, filtered, streamed page by page. */
async function* storeInputs(
  store: ObjectStore,
  prefix: string,
  filters: Filters,
): AsyncGenerator<BatchInput> {
  for await (const page of store.list(prefix)) {
    for (const key of page) {
      const name = key.slice(prefix.length);
      const uri = store.uri(key);
      if (filters.accept(name) && !filters.isOutput(uri)) yield { uri, name };
    }
  }
}

/** The folders of a glob before its first wildcard (`photos/2024/**\/*.jpg` → `photos/2024`). */
function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed = parts.slice(
    0,
    parts.findIndex((p) => isDynamicPattern(p)),
  );
  return fixed.join('/') || (isAbsolute(pattern) ? '/' : '.');
}

/** Files a glob matches (tinyglobby; sorted, so both listings agree), named relative to its base. */
async function* globInputs(pattern: string, isOutput: (uri: string) => boolean): AsyncGenerator<BatchInput> {
  const base = globBase(pattern);
  const paths = await glob(pattern, {
    onlyFiles: true,
    absolute: isAbsolute(pattern),
    expandDirectories: false,
  });
  for (const uri of paths.sort()) if (!isOutput(uri)) yield { uri, name: safeName(relative(base, uri)) };
}

async function* listingInputs(path: string): AsyncGenerator<BatchInput> {
  for await (const uri of listingUris(path)) yield { uri, name: nameOfUri(uri) };
}

/**
 * Opens INPUT: `gs://` or `s3://` (every object under the prefix, read as a folder), a local
 * folder (recursive), a local file listing URIs, or a glob. Folders and prefixes keep the names
 * `filters.accept` takes (the rocket's kind of input); globs and listings are taken as they are.
 * Folders, prefixes and globs leave out what `filters.isOutput` says the batch wrote itself.
 * @throws Error when INPUT is none of these (a path that does not exist and is no glob)
 */
export async function openInputs(input: string, filters: Filters, stores: Stores): Promise<InputSource> {
  const location = parseLocation(input);
  if (location.kind === 'bucket') {
    const store = stores.of(location);
    const prefix = asFolder(location.prefix);
    return { kind: 'bucket', list: () => storeInputs(store, prefix, filters) };
  }
  const path = location.path;
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) {
    const store = stores.of({ kind: 'local', path });
    return { kind: 'folder', list: () => storeInputs(store, '', filters) };
  }
  if (found?.isFile()) return { kind: 'listing', list: () => listingInputs(path) };
  if (isDynamicPattern(path)) return { kind: 'glob', list: () => globInputs(path, filters.isOutput) };
  throw new RocketError(
    'INPUT_UNREADABLE',
    `INPUT ${input} does not exist: expected a folder, a file listing URIs, a glob, gs:// or s3://`,
  );
}
