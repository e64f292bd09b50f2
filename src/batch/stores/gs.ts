import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Bucket, Storage } from '@google-cloud/storage';
import { RocketError } from '../../errors.js';
import { reasonOf } from '../../rocket/sources/download.js';
import { bucketUri } from '../location.js';
import { readCapped, unlessMissing, unreadable, unwritable } from './errors.js';
import { LIST_PAGE, type ObjectStore } from './types.js';

/** Why a Cloud Storage request failed, in words: its HTTP status when it has one. */
function why(err: unknown): string {
  const status = (err as { code?: unknown }).code;
  if (status === 404) return 'no such object (404)';
  if (status === 401 || status === 403) return `access denied (${status}): ${reasonOf(err)}`;
  return typeof status === 'number' ? `the server answered ${status} (${reasonOf(err)})` : reasonOf(err);
}

/** One page of the JSON API's objects.list, as asked for: names and the token of the next page. */
interface ObjectsPage {
  items?: { name: string }[];
  nextPageToken?: string;
}

/** A Cloud Storage bucket as an {@link ObjectStore}, through a shared client (src/rocket/sources/gs.ts). */
export class GsStore implements ObjectStore {
  constructor(
    private readonly storage: Promise<Storage>,
    private readonly name: string,
  ) {}

  uri(key: string): string {
    return bucketUri('gs', this.name, key);
  }

  private async bucket(): Promise<Bucket> {
    return (await this.storage).bucket(this.name);
  }

  /**
   * Object names under `prefix`, a page of up to 1000 per request; folder placeholders ("a/") left
   * out. The JSON API is asked for the names alone, and no File object is made per name (making
   * them cost more than the rest of a 100 000-object listing).
   */
  async *list(prefix: string): AsyncGenerator<string[]> {
    const bucket = await this.bucket();
    let pageToken: string | undefined;
    do {
      let page: ObjectsPage;
      try {
        const qs = { prefix, maxResults: LIST_PAGE, pageToken, fields: 'items(name),nextPageToken' };
        [page] = (await bucket.request({ uri: '/o', qs })) as [ObjectsPage, unknown];
      } catch (err) {
        throw new Error(`Cannot list ${this.uri(prefix)}: ${why(err)}`, { cause: err });
      }
      yield (page.items ?? []).map((o) => o.name).filter((name) => !name.endsWith('/'));
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const file = (await this.bucket()).file(key);
    try {
      return await readCapped(file.createReadStream(), this.uri(key), maxBytes);
    } catch (err) {
      throw err instanceof RocketError ? err : unreadable(this.uri(key), why(err), err);
    }
  }

  readIfExists(key: string, maxBytes: number): Promise<Buffer | undefined> {
    return unlessMissing(this.read(key, maxBytes), (cause) => (cause as { code?: unknown })?.code === 404);
  }

  async write(key: string, body: Buffer | { file: string }, contentType: string): Promise<void> {
    const file = (await this.bucket()).file(key);
    try {
      if (Buffer.isBuffer(body)) await file.save(body, { resumable: false, contentType });
      else
        await pipeline(
          createReadStream(body.file),
          file.createWriteStream({ resumable: false, contentType }),
        );
    } catch (err) {
      throw unwritable(this.uri(key), err);
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await (await this.bucket()).file(key).delete({ ignoreNotFound: true });
    } catch (err) {
      throw unwritable(this.uri(key), err);
    }
  }
}
