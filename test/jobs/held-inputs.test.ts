import { describe, expect, it } from 'vitest';
import { HeldInputs } from '../../src/jobs/held-inputs.js';

const bytes = (n: number) => Buffer.alloc(n, n);

describe('HeldInputs', () => {
  it('hands a kept body over once', () => {
    const inputs = new HeldInputs(100);
    inputs.keep('a', bytes(10));
    expect(inputs.take('a')).toEqual(bytes(10));
    expect(inputs.take('a')).toBeUndefined();
    expect(inputs.take('never kept')).toBeUndefined();
    expect(inputs.size).toBe(0);
  });

  it('drops the oldest bodies to make room, and never keeps one larger than the whole budget', () => {
    const inputs = new HeldInputs(100);
    inputs.keep('a', bytes(40));
    inputs.keep('b', bytes(40));
    inputs.keep('c', bytes(40));
    expect(inputs.size).toBe(80);
    expect(inputs.take('a'), 'the oldest made room').toBeUndefined();
    inputs.keep('huge', bytes(101));
    expect(inputs.take('huge')).toBeUndefined();
    expect([inputs.take('b')?.length, inputs.take('c')?.length]).toEqual([40, 40]);
    expect(inputs.size).toBe(0);
  });
});
