import { describe, expect, it } from 'vitest';
import { Admission } from '../../src/serving/admission.js';
import { caught } from '../helpers/errors.js';

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
    const refused = caught(() => admission.enter());
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

  it('limits each client to maxPerClient places with 429 CLIENT_LIMIT, before the global limit', async () => {
    const admission = new Admission(1, 3, 2);
    const a1 = admission.enter('a');
    const a2 = admission.enter('a');
    const refused = caught(() => admission.enter('a'));
    expect(refused?.code).toBe('CLIENT_LIMIT');
    expect(refused?.status).toBe(429);
    expect(refused?.headers['retry-after']).toBe('1');
    const b1 = admission.enter('b');
    const b2 = admission.enter('b');
    // Global capacity (1 + 3) is now full: b is over neither limit of its own, a is over its own.
    expect(caught(() => admission.enter('c'))?.code).toBe('OVERLOADED');
    expect(caught(() => admission.enter('a'))?.code).toBe('CLIENT_LIMIT');
    a1.release();
    a1.release(); // idempotent: frees one place only
    const a3 = admission.enter('a');
    expect(caught(() => admission.enter('a'))?.code).toBe('CLIENT_LIMIT');
    for (const t of [a2, a3, b1, b2]) t.release();
    expect(admission.idle).toBe(true);
  });

  it('has no per-client limit when maxPerClient is 0', () => {
    const admission = new Admission(2, 2);
    const tickets = [1, 2, 3, 4].map(() => admission.enter('a'));
    expect(caught(() => admission.enter('a'))?.code).toBe('OVERLOADED');
    for (const t of tickets) t.release();
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
