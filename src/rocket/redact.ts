/**
 * How a remote rocket URL is shown and how it is keyed in the cache. A signed URL (S3, Cloud
 * Storage, Azure SAS, CloudFront) carries its signature and credential in the query string, and a
 * URL may carry `user:password@`: neither may reach /health, logs, errors, `rocket inspect` or the
 * cache, and a rotated signature must not force a new download.
 */

/** `scheme://` [userinfo@] host-and-path [?query] [#fragment]. */
const SCHEME_URL = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/i;

/** What replaces a query string or userinfo in a shown URL. */
export const REDACTED = '<redacted>';

/**
 * A URL as it may be shown: userinfo and query string replaced by {@link REDACTED}, the scheme,
 * host, path and fragment (`#sha256=…`) kept. Text that is not a `scheme://` URL (a local path,
 * `owner/name`) is returned as it is.
 */
export function redactUrl(url: string): string {
  const match = SCHEME_URL.exec(url);
  if (!match) return url;
  const [, scheme, userinfo, rest, query, fragment] = match;
  return `${scheme}${userinfo ? `${REDACTED}@` : ''}${rest}${query ? `?${REDACTED}` : ''}${fragment ?? ''}`;
}

/**
 * Query parameters that sign a URL rather than name what it serves, compared case-insensitively.
 * Prefixes: `X-Amz-` (S3 SigV4: Algorithm, Credential, Date, Expires, SignedHeaders, Signature,
 * Security-Token) and `X-Goog-` (Cloud Storage V4). Names: S3 SigV2 and Cloud Storage V2
 * (`AWSAccessKeyId`, `GoogleAccessId`, `Signature`, `Expires`), CloudFront (`Policy`,
 * `Key-Pair-Id`), Azure SAS (`sv`, `ss`, `srt`, `sp`, `se`, `st`, `spr`, `sip`, `si`, `sr`, `sig`,
 * `sdd`, `skoid`, `sktid`, `skt`, `ske`, `sks`, `skv`) and bearer tokens (`token`, `access_token`).
 */
const SIGNING_PREFIXES = ['x-amz-', 'x-goog-'];
// biome-ignore format: a list reads better packed
const SIGNING_NAMES = new Set([
  'awsaccesskeyid', 'googleaccessid', 'signature', 'expires', 'policy', 'key-pair-id',
  'sv', 'ss', 'srt', 'sp', 'se', 'st', 'spr', 'sip', 'si', 'sr', 'sig', 'sdd',
  'skoid', 'sktid', 'skt', 'ske', 'sks', 'skv', 'token', 'access_token',
]);

/** Whether a query parameter's name is one of the signing parameters {@link cacheKeyUrl} drops. */
export function isSigningParameter(name: string): boolean {
  const lower = name.toLowerCase();
  return SIGNING_NAMES.has(lower) || SIGNING_PREFIXES.some((p) => lower.startsWith(p));
}

/**
 * The URL a cache entry is keyed on: without userinfo and without signing query parameters
 * ({@link isSigningParameter}), the other parameters kept in their order. Two signatures of one
 * object therefore share an entry. Text that is not a `scheme://` URL is returned as it is.
 */
export function cacheKeyUrl(url: string): string {
  const match = SCHEME_URL.exec(url);
  if (!match) return url;
  const [, scheme, , rest, query, fragment] = match;
  const kept = (query ?? '')
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && !isSigningParameter(decodeName(part.split('=')[0] ?? '')));
  return `${scheme}${rest}${kept.length > 0 ? `?${kept.join('&')}` : ''}${fragment ?? ''}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
