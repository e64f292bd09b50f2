import { parseBucketUrl } from './bucket.js';
import type { Download } from './download.js';
import { downloadFailed, reasonOf } from './download.js';

/**
 * A Cloud Storage client (`@google-cloud/storage`, loaded on first use). The library honours
 * `STORAGE_EMULATOR_HOST` (a fake or emulator, without credentials) and otherwise uses Application
 * Default Credentials. Shared by remote rockets and `rocket batch`.
 */
export async function createStorage(): Promise<import('@google-cloud/storage').Storage> {
  const { Storage } = await import('@google-cloud/storage');
  return new Storage({ retryOptions: { maxRetries: 2, totalTimeout: 120 } });
}

/**
 * Opens `gs://bucket/key` with {@link createStorage}. Errors surface when the stream is read and
 * name the URL then.
 */
export async function openGs(url: string): Promise<Download> {
  const { bucket, key } = parseBucketUrl(url, 'gs');
  let storage: import('@google-cloud/storage').Storage;
  try {
    storage = await createStorage();
  } catch (err) {
    throw downloadFailed(url, `cannot create the Cloud Storage client (${reasonOf(err)})`, err);
  }
  const body = storage.bucket(bucket).file(key).createReadStream();
  return { body };
}
