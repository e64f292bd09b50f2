import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { RocketError } from '../../errors.js';
import { reasonOf } from '../../rocket/sources/download.js';
import { bucketUri } from '../location.js';
import { readCapped, unlessMissing, unreadable, unwritable } from './errors.js';
import { LIST_PAGE, type ObjectStore } from './types.js';

const statusOf = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/** Why an S3 request failed, in words: its HTTP status and error name when it has them. */
function why(err: unknown): string {
  const status = statusOf(err);
  if (status === 404) return `no such object (404 ${(err as Error).name})`;
  if (status === 401 || status === 403) return `access denied (${status} ${(err as Error).name})`;
  return status ? `the server answered ${status} (${(err as Error).name})` : reasonOf(err);
}

/** An S3 bucket as an {@link ObjectStore}, through a shared client (src/rocket/sources/s3.ts). */
export class S3Store implements ObjectStore {
  constructor(
    private readonly client: Promise<S3Client>,
    private readonly bucket: string,
  ) {}

  uri(key: string): string {
    return bucketUri('s3', this.bucket, key);
  }

  /** Keys under `prefix`, a page of up to 1000 per ListObjectsV2; folder placeholders ("a/") left out. */
  async *list(prefix: string): AsyncGenerator<string[]> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const client = await this.client;
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: prefix,
        MaxKeys: LIST_PAGE,
        ContinuationToken: token,
      });
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(command);
      } catch (err) {
        throw new Error(`Cannot list ${this.uri(prefix)}: ${why(err)}`, { cause: err });
      }
      yield (page.Contents ?? []).flatMap((o) => (o.Key && !o.Key.endsWith('/') ? [o.Key] : []));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async read(key: string, maxBytes: number): Promise<Buffer> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      const out = await (await this.client).send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new Error('the response has no body');
      return await readCapped(out.Body as Readable, this.uri(key), maxBytes, out.ContentLength);
    } catch (err) {
      throw err instanceof RocketError ? err : unreadable(this.uri(key), why(err), err);
    }
  }

  readIfExists(key: string, maxBytes: number): Promise<Buffer | undefined> {
    return unlessMissing(this.read(key, maxBytes), (cause) => statusOf(cause) === 404);
  }

  async write(key: string, body: Buffer | { file: string }, contentType: string): Promise<void> {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      const content = Buffer.isBuffer(body)
        ? { Body: body }
        : { Body: createReadStream(body.file), ContentLength: (await stat(body.file)).size };
      await (await this.client).send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ...content }),
      );
    } catch (err) {
      throw unwritable(this.uri(key), err);
    }
  }

  async remove(key: string): Promise<void> {
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      await (await this.client).send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw unwritable(this.uri(key), err);
    }
  }
}
