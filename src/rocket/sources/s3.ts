import type { Readable } from 'node:stream';
import { parseBucketUrl } from './bucket.js';
import type { Download } from './download.js';
import { downloadFailed, reasonOf } from './download.js';

/** The S3 endpoint override: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, else AWS itself. */
export function s3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * An S3 client (`@aws-sdk/client-s3`, loaded on first use) with the SDK's usual credential chain.
 * With an endpoint override (MinIO, a fake, another S3-compatible store) requests are path-style.
 * The region is `AWS_REGION` / `AWS_DEFAULT_REGION`, else us-east-1. Shared by remote rockets and
 * `rocket batch`; the caller destroys it.
 */
export async function createS3Client(
  env: NodeJS.ProcessEnv = process.env,
): Promise<import('@aws-sdk/client-s3').S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = s3Endpoint(env);
  return new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    followRegionRedirects: true,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

/** Opens `s3://bucket/key` with a client of {@link createS3Client}, destroyed when the body closes. */
export async function openS3(url: string): Promise<Download> {
  const { bucket, key } = parseBucketUrl(url, 's3');
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const client = await createS3Client();
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
