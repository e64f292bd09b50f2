import { describe, expect, it } from 'vitest';
import { fromHalfBits, toHalfBits } from '../../src/v2/fp16.js';

describe('FP16 conversion', () => {
  it('round-trips every finite half, both zeros and both infinities', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const exp = (bits >> 10) & 0x1f;
      if (exp === 0x1f && (bits & 0x3ff) !== 0) continue; // NaN payloads
      if (toHalfBits(fromHalfBits(bits)) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it('rounds to nearest, ties to even, overflows to infinity and underflows to zero', () => {
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next half: even (1)
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, rounds up to even
    expect(toHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above halfway
    expect(toHalfBits(65520)).toBe(0x7c00); // rounds past the largest half, 65504
    expect(toHalfBits(65519)).toBe(0x7bff);
    expect(toHalfBits(2 ** -25)).toBe(0); // half of the smallest subnormal: ties to even (0)
    expect(toHalfBits(-(2 ** -25) * 1.5)).toBe(0x8001);
    expect(toHalfBits(2 ** -24 * 1023)).toBe(0x03ff); // largest subnormal
    expect(fromHalfBits(toHalfBits(Number.NaN))).toBeNaN();
    expect(fromHalfBits(0x8000)).toBe(-0);
  });
});
