import { describe, expect, it } from 'vitest';
import { RocketError } from '../../src/errors.js';
import { errorResponse } from '../../src/http/error-response.js';
import { V2_ERRORS } from '../../src/v2/errors.js';
import { json } from '../helpers/http.js';
import { writeColourRocket } from '../helpers/models.js';
import { useServer } from '../helpers/server.js';

describe('Open Inference Protocol v2: errors raised before the v2 handler', () => {
  const key = 'k3y-0123456789abcdef';
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeColourRocket(), API_KEY: key }));
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${server().url}${path}`, { ...init, headers: { 'x-api-key': key, ...init.headers } });

  it('answers 401 as {"error": "<message>"} with the code in X-Error-Code', async () => {
    const res = await fetch(`${server().url}/v2/models/colour`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-error-code')).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await json(res)).toEqual({ error: expect.any(String) });
  });

  it('answers 404 for an unknown /v2 path and 405 for a wrong method in the same shape', async () => {
    const missing = await get('/v2/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('ROUTE_NOT_FOUND');
    expect(await json(missing)).toEqual({ error: 'No route /v2/nope; see docs/api.md' });
    const wrong = await get('/v2/models/colour/infer', { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(wrong.headers.get('x-error-code')).toBe('METHOD_NOT_ALLOWED');
    expect(await json(wrong)).toEqual({ error: expect.stringContaining('accepts POST') });
  });

  it('keeps rocketserve`s {"error": {code, message}} on the other routes', async () => {
    const res = await get('/nope');
    expect(res.headers.get('x-error-code')).toBeNull();
    expect(await json(res)).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });

  it('flattens 429 and 503 refusals too, keeping Retry-After', () => {
    for (const code of ['CLIENT_LIMIT', 'OVERLOADED', 'NOT_READY'] as const) {
      const response = errorResponse(
        new RocketError(code, `refused: ${code}`, { headers: { 'retry-after': '1' } }),
        V2_ERRORS,
      );
      expect(JSON.parse(response.body)).toEqual({ error: `refused: ${code}` });
      expect(response.headers['x-error-code']).toBe(code);
      expect(response.headers['retry-after']).toBe('1');
    }
  });
});
