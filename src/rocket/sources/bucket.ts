import { RocketError } from '../../errors.js';
import { redactUrl } from '../redact.js';

/** `gs://bucket/key` or `s3://bucket/key`, split; ROCKET_URL_INVALID without a bucket or key. */
export function parseBucketUrl(url: string, scheme: 'gs' | 's3'): { bucket: string; key: string } {
  const match = new RegExp(`^${scheme}://([^/?#]+)/([^#]+)$`, 'i').exec(url);
  if (!match) {
    throw new RocketError(
      'ROCKET_URL_INVALID',
      `ROCKET_URL "${redactUrl(url)}" must name a bucket and an object: ${scheme}://bucket/path/to/model.onnx`,
    );
  }
  return { bucket: match[1] as string, key: match[2] as string };
}
