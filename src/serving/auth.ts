import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RocketError } from '../errors.js';
import { headerValue } from '../http/route.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks the API key of a request: `Authorization: Bearer KEY` or `X-API-Key: KEY`. Both sides are
 * hashed first, so the comparison is constant-time whatever the lengths. No-op when `apiKey` is empty.
 * @throws RocketError UNAUTHORIZED (401, `WWW-Authenticate: Bearer`).
 */
export function checkApiKey(headers: IncomingHttpHeaders, apiKey: string): void {
  if (!apiKey) return;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const given = bearer ?? headerValue(headers, 'x-api-key');
  if (given !== undefined && timingSafeEqual(digest(given), digest(apiKey))) return;
  throw new RocketError(
    'UNAUTHORIZED',
    given === undefined
      ? 'This server needs an API key: send Authorization: Bearer <key> or X-API-Key: <key>'
      : 'The API key is not valid',
    { headers: { 'www-authenticate': 'Bearer' } },
  );
}
