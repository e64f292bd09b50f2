import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { ObjectStore } from '../stores/types.js';
import { type ResultLine, type ResultsSink, type Resumed, readLine } from './line.js';
import { LocalResults } from './local.js';

/** A part is uploaded once this many lines, or bytes, are pending, or this many seconds have passed. */
const PART_LINES = 1000;
const PART_BYTES = 8 * 1024 * 1024;
const PART_SECONDS = 30;
/** The largest results object read back (a Buffer's limit is larger; this is plenty of lines). */
const MAX_RESULTS_BYTES = 2 ** 31 - 1;
const NDJSON = 'application/x-ndjson';
const NEWLINE = 0x0a;

const partKey = (prefix: string, n: number) => `${prefix}part-${String(n).padStart(6, '0')}.jsonl`;
const partNumber = (key: string) => Number(/part-(\d+)\.jsonl$/.exec(key)?.[1] ?? 0);

/** Where a shard's results live in a bucket: the results object, and the folder of its parts. */
export interface RemoteResultsKeys {
  results: string;
  /** Ends in "/": `_partial/results-I-of-N/`. */
  parts: string;
}

/** Every key under `prefix`, sorted (part numbers are zero-padded, so by number). */
async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of store.list(prefix)) keys.push(...page);
  return keys.sort();
}

/**
 * Copies the lines of the results object and the parts of earlier runs into `staging`, one object
 * at a time, each input once (the first line of it wins: the results object and a part may
 * both hold it when a run was killed between writing the one and removing the other).
 */
async function stage(store: ObjectStore, keys: string[], staging: string): Promise<void> {
  const fd = openSync(staging, 'w');
  const seen = new Set<string>();
  try {
    for (const key of keys) {
      const body = (await store.readIfExists(key, MAX_RESULTS_BYTES)) ?? Buffer.alloc(0);
      // Line by line, never the whole object as one string (longer than a string may be).
      for (
        let start = 0, nl = body.indexOf(NEWLINE);
        nl >= 0;
        start = nl + 1, nl = body.indexOf(NEWLINE, start)
      ) {
        const text = body.toString('utf8', start, nl);
        const input = readLine(text)?.input;
        if (input === undefined || seen.has(input)) continue;
        seen.add(input);
        writeSync(fd, `${text}\n`);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A shard's results in a bucket, where objects cannot be appended to. Lines are appended to a
 * local staging file at once, and uploaded as numbered parts under `_partial/` (every 1000 lines,
 * 8 MiB or 30 s): a killed task loses at most the lines since its last part. A re-run reads the
 * results object and the parts back. When the shard finishes, the whole staging file becomes the
 * results object and the parts are removed.
 */
export class RemoteResults implements ResultsSink {
  private uploaded: number;
  private pendingLines = 0;
  private nextPart: number;
  private uploading?: Promise<void>;
  private failure?: Error;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly store: ObjectStore,
    private readonly keys: RemoteResultsKeys,
    private readonly local: LocalResults,
    lastPart: number,
  ) {
    this.uploaded = local.size;
    this.nextPart = lastPart + 1;
    this.timer = setInterval(() => {
      if (this.pendingLines > 0) void this.checkpoint();
    }, PART_SECONDS * 1000).unref();
  }

  /** Reads back the results object and parts of earlier runs into `staging` (a local file path). */
  static async open(store: ObjectStore, keys: RemoteResultsKeys, staging: string): Promise<RemoteResults> {
    const parts = await keysUnder(store, keys.parts);
    await stage(store, [keys.results, ...parts], staging);
    const local = await LocalResults.open(staging);
    return new RemoteResults(store, keys, local, Math.max(0, ...parts.map(partNumber)));
  }

  get done(): Set<string> {
    return this.local.done;
  }

  get resumed(): Resumed {
    return this.local.resumed;
  }

  append(line: ResultLine): void {
    if (this.failure) throw this.failure;
    this.local.append(line);
    this.pendingLines += 1;
    if (this.pendingLines >= PART_LINES || this.local.size - this.uploaded >= PART_BYTES)
      void this.checkpoint();
  }

  /** Uploads the lines appended since the last part as the next part; one upload at a time. */
  private checkpoint(): Promise<void> {
    this.uploading ??= (async () => {
      const end = this.local.size;
      const lines = this.pendingLines;
      const body = Buffer.alloc(end - this.uploaded);
      const fd = openSync(this.local.path, 'r');
      try {
        readSync(fd, body, 0, body.length, this.uploaded);
      } finally {
        closeSync(fd);
      }
      await this.store.write(partKey(this.keys.parts, this.nextPart), body, NDJSON);
      this.nextPart += 1;
      this.uploaded = end;
      this.pendingLines -= lines;
    })()
      .catch((err: Error) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.uploading = undefined;
      });
    return this.uploading;
  }

  async flush(): Promise<void> {
    await this.uploading;
    if (this.pendingLines > 0) await this.checkpoint();
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    await this.uploading;
    if (this.failure) throw this.failure;
    await this.store.write(this.keys.results, { file: this.local.path }, NDJSON);
    for (const key of await keysUnder(this.store, this.keys.parts)) await this.store.remove(key);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.uploading;
    await this.local.close();
  }
}
