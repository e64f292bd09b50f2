import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RocketError } from '../../src/errors.js';
import { checkApiKey } from '../../src/serving/auth.js';

const key = 'k3y-0123456789abcdef';
/** What a Cloud Run IAM caller sends in Authorization: its Google-signed ID token. */
const idToken = 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3J1bi5hcHAifQ.c2lnbmF0dXJl';

/** The error code checkApiKey throws for these headers, or 'ok'. */
function outcome(headers: IncomingHttpHeaders): string {
  try {
    checkApiKey(headers, key);
    return 'ok';
  } catch (err) {
    return (err as RocketError).code;
  }
}

describe('checkApiKey', () => {
  it.each([
    { name: 'no key', headers: {}, expected: 'UNAUTHORIZED' },
    { name: 'the key as a Bearer token', headers: { authorization: `Bearer ${key}` }, expected: 'ok' },
    { name: 'the key in X-API-Key', headers: { 'x-api-key': key }, expected: 'ok' },
    {
      name: 'X-API-Key beside a Cloud Run IAM ID token in Authorization',
      headers: { authorization: idToken, 'x-api-key': key },
      expected: 'ok',
    },
    {
      name: 'a wrong X-API-Key, even beside the key as a Bearer token',
      headers: { authorization: `Bearer ${key}`, 'x-api-key': 'wrong-key-0123456789' },
      expected: 'UNAUTHORIZED',
    },
    { name: 'an ID token alone', headers: { authorization: idToken }, expected: 'UNAUTHORIZED' },
    { name: 'a wrong Bearer token', headers: { authorization: 'Bearer wrong' }, expected: 'UNAUTHORIZED' },
  ])('$name: $expected', ({ headers, expected }) => {
    expect(outcome(headers)).toBe(expected);
  });

  it('asks for a key with WWW-Authenticate: Bearer', () => {
    let thrown: RocketError | undefined;
    try {
      checkApiKey({}, key);
    } catch (err) {
      thrown = err as RocketError;
    }
    expect(thrown?.headers['www-authenticate']).toBe('Bearer');
  });

  it('lets every request through when no key is configured', () => {
    expect(() => checkApiKey({ authorization: idToken }, '')).not.toThrow();
  });
});
