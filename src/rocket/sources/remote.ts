import { RocketError } from '../../errors.js';
import { redactUrl } from '../redact.js';
import type { Download } from './download.js';
import { openGs } from './gs.js';
import { openHttp } from './http.js';
import { openS3 } from './s3.js';

/** Opens an `https://`, `http://`, `gs://` or `s3://` URL: what a registry base may use. */
export function openRemote(url: string): Promise<Download> {
  if (/^https?:\/\//i.test(url)) return openHttp(url);
  if (/^gs:\/\//i.test(url)) return openGs(url);
  if (/^s3:\/\//i.test(url)) return openS3(url);
  throw new RocketError(
    'ROCKET_URL_INVALID',
    `"${redactUrl(url)}" is not an https://, http://, gs:// or s3:// URL`,
  );
}
