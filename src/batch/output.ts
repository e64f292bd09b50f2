import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { asFolder, bucketUri, parseLocation } from './location.js';
import type { ResultsSink } from './results/line.js';
import { LocalResults } from './results/local.js';
import { RemoteResults } from './results/remote.js';
import { type Shard, shardSuffix } from './shard.js';
import type { Stores } from './stores/index.js';
import type { ObjectStore } from './stores/types.js';

/** The files of one shard in OUTPUT. */
export const outputNames = (shard: Shard) => ({
  results: `results-${shardSuffix(shard)}.jsonl`,
  marker: `_SUCCESS-${shardSuffix(shard)}`,
  /** Parts of the results while a shard writes to a bucket. */
  parts: `_partial/results-${shardSuffix(shard)}/`,
  images: 'images/',
});

/** True for a name (relative to OUTPUT) that a batch writes there, whatever the shard. */
function isOutputName(name: string): boolean {
  return (
    /^results-\d+-of-\d+\.jsonl$/.test(name) ||
    /^_SUCCESS-\d+-of-\d+$/.test(name) ||
    name.startsWith('_partial/') ||
    name.startsWith('images/')
  );
}

/**
 * Tells the files a batch writes to OUTPUT (its results, markers, parts and images) by their URI,
 * so that an OUTPUT inside INPUT (`rocket batch photos --out photos/out --images`) never feeds the
 * batch its own results.
 */
export function ownOutputs(out: string): (uri: string) => boolean {
  const location = parseLocation(out);
  if (location.kind === 'local') {
    const root = resolve(location.path);
    return (uri) => {
      const rel = relative(root, resolve(uri));
      return !rel.startsWith('..') && !isAbsolute(rel) && isOutputName(rel.split(sep).join('/'));
    };
  }
  const root = bucketUri(location.scheme, location.bucket, asFolder(location.prefix));
  return (uri) => uri.startsWith(root) && isOutputName(uri.slice(root.length));
}

/** OUTPUT opened for one shard: its results, and where the images and the marker go. */
export interface BatchOutput {
  results: ResultsSink;
  /** The URI of a file of the output, by its name (`images/a.jpg`, `_SUCCESS-0-of-1`). */
  uri(name: string): string;
  /** Writes a file of the output whole. */
  write(name: string, body: Buffer, contentType: string): Promise<void>;
  /** Removes a file of the output. */
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

function around(
  store: ObjectStore,
  prefix: string,
  results: ResultsSink,
  cleanup = async () => {},
): BatchOutput {
  return {
    results,
    uri: (name) => store.uri(`${prefix}${name}`),
    write: (name, body, contentType) => store.write(`${prefix}${name}`, body, contentType),
    remove: (name) => store.remove(`${prefix}${name}`),
    close: async () => {
      await results.close();
      await cleanup();
    },
  };
}

/**
 * Opens OUTPUT (a local folder, created if needed, or gs:// / s3:// prefix read as a folder) for
 * `shard`, reading back the results of earlier runs of the same shard.
 * @throws Error when the folder cannot be made, or the results cannot be read back
 */
export async function openOutput(out: string, shard: Shard, stores: Stores): Promise<BatchOutput> {
  const location = parseLocation(out);
  const names = outputNames(shard);
  if (location.kind === 'local') {
    await mkdir(location.path, { recursive: true });
    const results = await LocalResults.open(join(location.path, names.results));
    return around(stores.of(location), '', results);
  }
  const store = stores.of(location);
  const prefix = asFolder(location.prefix);
  const staging = await mkdtemp(join(tmpdir(), 'rocket-batch-'));
  const keys = { results: `${prefix}${names.results}`, parts: `${prefix}${names.parts}` };
  const removeStaging = () => rm(staging, { recursive: true, force: true });
  try {
    const results = await RemoteResults.open(store, keys, join(staging, names.results));
    return around(store, prefix, results, removeStaging);
  } catch (err) {
    await removeStaging();
    throw err;
  }
}
