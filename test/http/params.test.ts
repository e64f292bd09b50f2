import { describe, expect, it } from 'vitest';
import {
  parseProcessParams,
  parseProcessQuery,
  processQuery,
  type QueryTable,
} from '../../src/http/params.js';
import { familyOf } from '../../src/tasks/registry.js';
import { caught } from '../helpers/errors.js';

const parse = (q: string) => parseProcessQuery(new URLSearchParams(q));

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
    const err = caught(() => parse(q));
    expect(err?.code).toBe('INVALID_PARAMETER');
    expect(err?.message).toMatch(new RegExp(`^Expected .* for ${name} but received`));
  });

  it('rejects unknown parameters so typos show', () => {
    expect(caught(() => parse('confidance=0.5'))).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
    expect(caught(() => parse('confidance=0.5'))?.message).toContain('confidance');
  });

  it('leaves format to POST /process: threshold-only routes reject it', () => {
    expect(caught(() => parse('format=image'))).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
  });
});

describe('parseProcessParams', () => {
  const params = (q: string) => parseProcessParams(new URLSearchParams(q));

  it('leaves the format unset by default (chosen per task) and splits thresholds from it', () => {
    expect(params('')).toEqual({ thresholds: {}, format: undefined, options: {} });
    expect(params('format=png')).toEqual({ thresholds: {}, format: 'png', options: {} });
    expect(params('format=image&confidence=0.5')).toEqual({
      thresholds: { confidence: 0.5 },
      format: 'image',
      options: {},
    });
    expect(params('format=json')).toEqual({ thresholds: {}, format: 'json', options: {} });
  });

  it.each([['format=gif'], ['format='], ['format=IMAGE'], ['format=image&format=json']])(
    '%s is INVALID_PARAMETER in the shared wording',
    (q) => {
      const err = caught(() => params(q));
      expect(err?.code).toBe('INVALID_PARAMETER');
      expect(err?.message).toMatch(
        /^Expected one of json, image, mask, png, jpeg, webp for format but received /,
      );
    },
  );

  it('still rejects unknown names, listing format among the accepted ones', () => {
    const err = caught(() => params('fromat=image'));
    expect(err?.code).toBe('UNKNOWN_PARAMETER');
    expect(err?.message).toContain('format');
    expect(caught(() => params('confidence=2'))?.message).toBe(
      'Expected a number from 0 to 1 for confidence but received "2"',
    );
  });
});

describe("a family's own parameters", () => {
  const params = (q: string, task: string) => parseProcessParams(new URLSearchParams(q), familyOf(task));

  it('are validated for their family and returned as options, apart from the thresholds', () => {
    expect(params('masks=rle&confidence=0.3', 'segment')).toEqual({
      thresholds: { confidence: 0.3 },
      format: undefined,
      options: { masks: 'rle' },
    });
    expect(caught(() => params('masks=outline', 'segment'))?.code).toBe('INVALID_PARAMETER');
  });

  it("are unknown to another family's rocket", () => {
    const err = caught(() => params('masks=rle', 'detect'));
    expect(err?.code).toBe('UNKNOWN_PARAMETER');
    expect(err?.message).toContain('masks');
  });

  it('are all documented for OpenAPI, each naming the tasks that take it', () => {
    expect((processQuery as QueryTable).masks?.doc).toMatch(/\(segment\)$/);
    expect(Object.keys(processQuery)).toEqual(
      expect.arrayContaining(['masks', 'size', 'map', 'minFraction']),
    );
  });
});
