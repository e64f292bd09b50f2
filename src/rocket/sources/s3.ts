import type { Readable } from 'node:stream';
import { parseBucketUrl } from './bucket.js';
import type { Download } from './download.js';
import { downloadFailed, reasonOf } from './download.js';

/** The S3 endpoint override: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, else AWS itself. */
export function s3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * Opens `s3://bucket/key` with `@aws-sdk/client-s3` (loaded on first use) and the SDK's usual
 * credential chain. With an endpoint override (MinIO, a fake, another S3-compatible store) requests
 * are path-style. The region is `AWS_REGION` / `AWS_DEFAULT_REGION`, else us-east-1.
 */
export async function openS3(url: string): Promise<Download> {
  const { bucket, key } = parseBucketUrl(url, 's3');
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const endpoint = s3Endpoint();
  const client = new S3Client({
    region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
    followRegionRedirects: true,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = out.Body as Readable | undefined;
    if (!body) throw new Error('the response has no body');
    body.once('close', () => client.destroy());
    return { body, size: out.ContentLength };
  } catch (err) {
    client.destroy();
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = (err as Error).name;
    const why = status ? `the server answered ${status} (${name})` : `cannot reach S3 (${reasonOf(err)})`;
    throw downloadFailed(url, why, err);
  }
}
