import { describe, expect, it } from 'vitest';
import type { RocketError } from '../../src/errors.js';
import { Admission } from '../../src/serving/admission.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as RocketError;
  }
  return undefined;
};

describe('Admission', () => {
  it('runs up to maxInflight, queues up to maxQueue, and refuses the rest at once with Retry-After', async () => {
    const admission = new Admission(2, 1);
    const a = admission.enter();
    const b = admission.enter();
    const c = admission.enter();
    await a.start();
    await b.start();
    let cStarted = false;
    const cStart = c.start().then(() => {
      cStarted = true;
    });
    expect([admission.inflight, admission.queued]).toEqual([2, 1]);
    const refused = codeOf(() => admission.enter());
    expect(refused?.code).toBe('OVERLOADED');
    expect(refused?.status).toBe(503);
    expect(refused?.headers['retry-after']).toBe('1');
    a.release();
    await cStart;
    expect(cStarted).toBe(true);
    expect([admission.inflight, admission.queued]).toEqual([2, 0]);
    b.release();
    c.release();
    c.release(); // idempotent
    expect(admission.idle).toBe(true);
  });

  it('grants slots in arrival order', async () => {
    const admission = new Admission(1, 3);
    const first = admission.enter();
    await first.start();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => {
      const t = admission.enter();
      return t.start().then(() => {
        order.push(n);
        t.release();
      });
    });
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('drops a queued request whose client went away, and frees its place', async () => {
    const admission = new Admission(1, 1);
    const running = admission.enter();
    await running.start();
    const queued = admission.enter();
    const client = new AbortController();
    const start = queued.start(client.signal);
    client.abort();
    await expect(start).rejects.toMatchObject({ code: 'NOT_READY' });
    queued.release();
    expect(admission.queued).toBe(0);
    const next = admission.enter();
    running.release();
    await next.start();
    expect(admission.inflight).toBe(1);
  });
});
