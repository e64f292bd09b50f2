import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RocketError } from '../errors.js';
import { headerValue } from '../http/route.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The API key a request carries: `X-API-Key` whenever that header is present, else the token of
 * `Authorization: Bearer`. `X-API-Key` wins because behind Cloud Run IAM (or another proxy that
 * authenticates callers) `Authorization` carries the caller's identity token, not our key.
 */
function givenKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headerValue(headers, 'x-api-key');
  if (header !== undefined) return header.trim();
  return /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
}

/**
 * Checks the API key of a request: `X-API-Key: KEY`, or `Authorization: Bearer KEY` when there is
 * no `X-API-Key` (see {@link givenKey}). Both sides are hashed first, so the comparison is
 * constant-time whatever the lengths. No-op when `apiKey` is empty.
 * @throws RocketError UNAUTHORIZED (401, `WWW-Authenticate: Bearer`).
 */
export function checkApiKey(headers: IncomingHttpHeaders, apiKey: string): void {
  if (!apiKey) return;
  const given = givenKey(headers);
  if (given !== undefined && timingSafeEqual(digest(given), digest(apiKey))) return;
  throw new RocketError(
    'UNAUTHORIZED',
    given === undefined
      ? 'This server needs an API key: send X-API-Key: <key> or Authorization: Bearer <key>'
      : 'The API key is not valid',
    { headers: { 'www-authenticate': 'Bearer' } },
  );
}
