import { describe, expect, it } from 'vitest';
import { RocketError } from '../src/errors.js';
import { createLogger, exceptionFields, REPORTED_ERROR_EVENT } from '../src/log.js';

describe('exceptionFields', () => {
  it('gives an error line the V8 stack in stack_trace and the Error Reporting @type', () => {
    const lines: string[] = [];
    const err = new RocketError('INFERENCE_FAILED', 'The model rejected the input');
    createLogger('info', (l) => lines.push(l)).error('failed', { code: err.code, ...exceptionFields(err) });
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ severity: 'ERROR', message: 'failed', '@type': REPORTED_ERROR_EVENT });
    expect(entry.stack_trace).toMatch(/^RocketError: The model rejected the input\n {4}at /);
  });

  it('adds nothing for a value without a stack', () => {
    expect(exceptionFields('a string')).toEqual({});
    expect(exceptionFields(null)).toEqual({});
    expect(exceptionFields({ stack: 42 })).toEqual({});
  });
});
