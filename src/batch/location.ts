import { fileURLToPath } from 'node:url';

/** The bucket stores `rocket batch` reads and writes. */
export const BUCKET_SCHEMES = ['gs', 's3'] as const;
export type BucketScheme = (typeof BUCKET_SCHEMES)[number];

/** Where a batch reads or writes: a local path, or a bucket and a key prefix in it. */
export type Location =
  | { kind: 'local'; path: string }
  | { kind: 'bucket'; scheme: BucketScheme; bucket: string; prefix: string };

const BUCKET_URI = /^(gs|s3):\/\/([^/?#]+)(?:\/([^#?]*))?$/i;

/**
 * Reads `gs://bucket/prefix`, `s3://bucket/prefix`, `file:///path` or a plain path. A bucket URI
 * with no prefix is the whole bucket (prefix ""). Any other `scheme://` is not a location.
 * @throws Error naming the text when it is a URI of another scheme, or a bucket URI with a query
 */
export function parseLocation(text: string): Location {
  const bucket = BUCKET_URI.exec(text);
  if (bucket) {
    const scheme = (bucket[1] as string).toLowerCase() as BucketScheme;
    return { kind: 'bucket', scheme, bucket: bucket[2] as string, prefix: bucket[3] ?? '' };
  }
  if (/^file:\/\//i.test(text)) return { kind: 'local', path: fileURLToPath(text) };
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(text)) {
    throw new Error(`Expected a local path, gs://bucket/prefix or s3://bucket/prefix but received "${text}"`);
  }
  return { kind: 'local', path: text };
}

/** A key prefix read as a folder: "" stays the whole bucket; "a/b" becomes "a/b/". */
export function asFolder(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** `scheme://bucket/key`. */
export function bucketUri(scheme: BucketScheme, bucket: string, key: string): string {
  return `${scheme}://${bucket}/${key}`;
}
