import { describe, expect, it } from 'vitest';
import type { RocketError } from '../../src/errors.js';
import { parseProcessQuery } from '../../src/http/params.js';

const parse = (q: string) => parseProcessQuery(new URLSearchParams(q));
const codeOf = (q: string) => {
  try {
    parse(q);
  } catch (err) {
    return { code: (err as RocketError).code, message: (err as Error).message };
  }
  return undefined;
};

describe('parseProcessQuery', () => {
  it('accepts every threshold', () => {
    expect(parse('confidence=0.5&iou=0.45&topk=3&maxDetections=10')).toEqual({
      confidence: 0.5,
      iou: 0.45,
      topk: 3,
      maxDetections: 10,
    });
    expect(parse('')).toEqual({});
  });

  it.each([
    ['confidence=abc', 'confidence'],
    ['confidence=1.5', 'confidence'],
    ['confidence=', 'confidence'],
    ['iou=-0.1', 'iou'],
    ['topk=0', 'topk'],
    ['topk=2.5', 'topk'],
    ['maxDetections=100000', 'maxDetections'],
    ['confidence=0.1&confidence=0.2', 'confidence'],
  ])('%s is INVALID_PARAMETER naming %s', (q, name) => {
    const err = codeOf(q);
    expect(err?.code).toBe('INVALID_PARAMETER');
    expect(err?.message).toMatch(new RegExp(`^Expected .* for ${name} but received`));
  });

  it('rejects unknown parameters so typos show', () => {
    expect(codeOf('confidance=0.5')).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
    expect(codeOf('confidance=0.5')?.message).toContain('confidance');
  });
});
