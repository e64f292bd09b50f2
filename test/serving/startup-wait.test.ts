import { describe, expect, it } from 'vitest';
import { settleWithin } from '../../src/serving/startup-wait.js';

const never = new Promise<void>(() => {});

/** Milliseconds settleWithin took to resolve. */
async function took(wait: Promise<void>): Promise<number> {
  const started = performance.now();
  await wait;
  return performance.now() - started;
}

describe('settleWithin', () => {
  it('resolves when the promise settles, fulfilled or rejected', async () => {
    expect(await took(settleWithin(Promise.resolve(), 10_000, []))).toBeLessThan(1000);
    expect(await took(settleWithin(Promise.reject(new Error('load failed')), 10_000, []))).toBeLessThan(1000);
  });

  it('resolves after waitMs when the promise stays pending (generous bounds)', async () => {
    const ms = await took(settleWithin(never, 100, []));
    expect(ms).toBeGreaterThanOrEqual(90);
    expect(ms).toBeLessThan(2000);
  });

  it('resolves when any stop signal aborts, and at once when one already has', async () => {
    const stop = new AbortController();
    const wait = settleWithin(never, 10_000, [new AbortController().signal, stop.signal]);
    setTimeout(() => stop.abort(), 20);
    expect(await took(wait)).toBeLessThan(1000);
    expect(await took(settleWithin(never, 10_000, [stop.signal]))).toBeLessThan(100);
  });

  it('does not wait at all when waitMs is 0', async () => {
    expect(await took(settleWithin(never, 0, []))).toBeLessThan(100);
  });
});
