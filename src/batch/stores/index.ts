import type { S3Client } from '@aws-sdk/client-s3';
import type { Storage } from '@google-cloud/storage';
import { createStorage } from '../../rocket/sources/gs.js';
import { createS3Client } from '../../rocket/sources/s3.js';
import type { Location } from '../location.js';
import { GsStore } from './gs.js';
import { LocalStore } from './local.js';
import { S3Store } from './s3.js';
import type { ObjectStore } from './types.js';

/**
 * The stores of one batch: a Cloud Storage and an S3 client, each made on first use and shared by
 * every bucket (so 100 000 downloads reuse their connections), with the credentials and emulator
 * variables of remote rockets (STORAGE_EMULATOR_HOST, AWS_ENDPOINT_URL_S3, ...).
 */
export class Stores {
  private gs?: Promise<Storage>;
  private s3?: Promise<S3Client>;
  private readonly buckets = new Map<string, ObjectStore>();

  /** The store of a location: its folder, or its bucket (one object per bucket). */
  of(location: Location): ObjectStore {
    if (location.kind === 'local') return new LocalStore(location.path);
    const id = `${location.scheme}://${location.bucket}`;
    let store = this.buckets.get(id);
    if (!store) {
      store =
        location.scheme === 'gs'
          ? new GsStore(this.gsClient(), location.bucket)
          : new S3Store(this.s3Client(), location.bucket);
      this.buckets.set(id, store);
    }
    return store;
  }

  private gsClient(): Promise<Storage> {
    this.gs ??= createStorage();
    return this.gs;
  }

  private s3Client(): Promise<S3Client> {
    this.s3 ??= createS3Client();
    return this.s3;
  }

  /** Closes the S3 client's connections (Cloud Storage's close with the process). */
  async close(): Promise<void> {
    (await this.s3?.catch(() => undefined))?.destroy();
  }
}
