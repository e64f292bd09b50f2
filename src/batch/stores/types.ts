/**
 * A bucket, or a local folder, that `rocket batch` lists, reads and writes by key: a
 * '/'-separated path relative to the bucket (or the folder).
 */
export interface ObjectStore {
  /** The URI of a key (`gs://bucket/key`, `s3://bucket/key`, or the local path), for messages and results. */
  uri(key: string): string;
  /** Every key under `prefix` (a folder: "" or ending in "/"), a page at a time: never the whole listing at once. */
  list(prefix: string): AsyncIterable<string[]>;
  /**
   * The object's bytes.
   * @throws RocketError INPUT_UNREADABLE (absent, unreachable, denied), PAYLOAD_TOO_LARGE past `maxBytes`
   */
  read(key: string, maxBytes: number): Promise<Buffer>;
  /** The object's bytes, or undefined when it does not exist; as {@link read} otherwise. */
  readIfExists(key: string, maxBytes: number): Promise<Buffer | undefined>;
  /**
   * Writes (replaces) an object whole: `body`, or the local file `{ file }` streamed.
   * @throws Error naming the URI when it cannot be written
   */
  write(key: string, body: Buffer | { file: string }, contentType: string): Promise<void>;
  /** Removes an object; nothing when it does not exist. */
  remove(key: string): Promise<void>;
}

/** Keys per page of a listing, as the bucket APIs page them. */
export const LIST_PAGE = 1000;
