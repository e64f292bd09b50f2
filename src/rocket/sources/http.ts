import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { RocketError } from '../../errors.js';
import { redactUrl } from '../redact.js';
import { type Download, downloadFailed, reasonOf } from './download.js';

/** Checks that `url` is an absolute http(s) URL with a host; ROCKET_URL_INVALID otherwise. */
export function checkHttpUrl(url: string, shown = redactUrl(url)): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RocketError('ROCKET_URL_INVALID', `ROCKET_URL "${shown}" is not a valid URL`);
  }
  if (!/^https?:$/.test(parsed.protocol) || !parsed.hostname) {
    throw new RocketError('ROCKET_URL_INVALID', `ROCKET_URL "${shown}" needs a host: https://host/path`);
  }
  if (parsed.username || parsed.password) {
    throw new RocketError(
      'ROCKET_URL_INVALID',
      `ROCKET_URL "${parsed.host}${parsed.pathname}" carries credentials; they are not sent (use a token in the path or a signed URL)`,
    );
  }
  return parsed;
}

/**
 * GETs an http(s) URL (following redirects) and returns its body as a stream. An unreachable host
 * or an error status is ROCKET_DOWNLOAD_FAILED naming `shown` (the URL as the user wrote it,
 * redacted).
 */
export async function openHttp(
  url: string,
  headers: Record<string, string> = {},
  shown = redactUrl(url),
): Promise<Download> {
  checkHttpUrl(url, shown);
  let res: Response;
  try {
    res = await fetch(url, { headers: { 'accept-encoding': 'identity', ...headers }, redirect: 'follow' });
  } catch (err) {
    throw downloadFailed(shown, `cannot reach the server (${reasonOf(err)})`, err);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw downloadFailed(shown, `the server answered ${res.status} ${res.statusText}`.trim());
  }
  const length = res.headers.get('content-length');
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const size = length && /^\d+$/.test(length) && !encoded ? Number(length) : undefined;
  return { body: Readable.fromWeb(res.body as ReadableStream), size };
}
