/**
 * A small seeded PRNG for reproducible randomised tests (a 32-bit xorshift, seeded through a
 * multiplicative hash so that nearby seeds give unrelated streams).
 */
interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** `length` random bytes. */
  bytes(length: number): Uint8Array;
  /** `length` floats uniform in [min, max). */
  floats(length: number, min: number, max: number): Float32Array;
}

/** A generator whose whole stream is determined by `seed`. */
export function createRandom(seed: number): Random {
  let state = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const float = (min: number, max: number) => min + next() * (max - min);
  return {
    next,
    int,
    float,
    pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number],
    bytes: (length) => Uint8Array.from({ length }, () => int(0, 255)),
    floats: (length, min, max) => Float32Array.from({ length }, () => float(min, max)),
  };
}
