import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { type ResultLine, type ResultsSink, type Resumed, readLine } from './line.js';

const NEWLINE = 0x0a;

/** What an existing results file holds: its inputs, its complete lines, and where they end. */
export interface ScannedResults extends Resumed {
  done: Set<string>;
  /** Bytes up to the end of the last complete line; anything after it is a torn line. */
  end: number;
}

/**
 * Reads a results file chunk by chunk (never whole). A last line without its newline was cut off
 * (the writer was killed mid-line): it is reported as torn, not taken as done. Lines that are not
 * results lines are passed over.
 */
export async function scanResults(path: string): Promise<ScannedResults> {
  const done = new Set<string>();
  let lines = 0;
  let failed = 0;
  let end = 0;
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      for (let nl = pending.indexOf(NEWLINE); nl >= 0; nl = pending.indexOf(NEWLINE, start)) {
        const line = readLine(pending.toString('utf8', start, nl));
        if (line) {
          done.add(line.input);
          lines += 1;
          if (!line.ok) failed += 1;
        }
        end += nl + 1 - start;
        start = nl + 1;
      }
      pending = pending.subarray(start);
    }
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  return { done, lines, failed, end, torn: pending.length > 0 };
}

/**
 * A shard's results in a local file, appended one line per write(2): a killed process loses at
 * most the line being written, and the next run cuts that torn line off and redoes its input.
 */
export class LocalResults implements ResultsSink {
  private constructor(
    /** The file's path. */
    readonly path: string,
    private readonly fd: number,
    readonly done: Set<string>,
    readonly resumed: Resumed,
    /** Bytes in the file, after the lines read back. */
    private bytes: number,
  ) {}

  /** Opens (or creates) `path`, reading back what earlier runs wrote and cutting off a torn last line. */
  static async open(path: string): Promise<LocalResults> {
    const scanned = await scanResults(path);
    if (scanned.torn) await truncate(path, scanned.end);
    const fd = openSync(path, 'a');
    const { done, lines, failed, torn, end } = scanned;
    return new LocalResults(path, fd, done, { lines, failed, torn }, end);
  }

  /** Bytes written to the file so far, earlier runs' included. */
  get size(): number {
    return this.bytes;
  }

  append(line: ResultLine): void {
    const text = Buffer.from(`${JSON.stringify(line)}\n`);
    let written = 0;
    while (written < text.length) written += writeSync(this.fd, text, written);
    this.bytes += text.length;
  }

  async flush(): Promise<void> {}

  async finish(): Promise<void> {}

  async close(): Promise<void> {
    closeSync(this.fd);
  }
}
