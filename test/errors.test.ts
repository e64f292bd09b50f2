import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode, RocketError, toErrorResponse } from '../src/errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, Number(m[2])]),
);

describe('error catalogue', () => {
  it('documents every code with its status in docs/errors.md', () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
      expect(documented.get(code), code).toBe(status);
    }
  });

  it('documents no code the catalogue lacks', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('derives the status from the code', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
      expect(new RocketError(code, 'x').status).toBe(ERROR_CATALOGUE[code].status);
    }
  });

  it('hides 5xx details in production and keeps 4xx messages', () => {
    const internal = toErrorResponse(new Error('/secret/path exploded'), true);
    expect(internal).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: ERROR_CATALOGUE.INTERNAL.summary } },
      headers: {},
    });
    const failed = toErrorResponse(new RocketError('INFERENCE_FAILED', 'at /secret/path'), true);
    expect(failed.body.error.message).not.toContain('/secret');
    const bad = toErrorResponse(new RocketError('INVALID_PARAMETER', 'Expected a number'), true);
    expect(bad).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_PARAMETER', message: 'Expected a number' } },
      headers: {},
    });
    expect(toErrorResponse(new Error('boom'), false).body.error.message).toBe('boom');
  });
});
