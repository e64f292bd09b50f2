import { describe, expect, it } from 'vitest';
import { Admission } from '../../src/serving/admission.js';

describe('Admission: the background lane (jobs)', () => {
  it('gives background work all slots but one, and never refuses or queues a request for it', async () => {
    const admission = new Admission(4, 0);
    const jobs = [admission.tryBackground(), admission.tryBackground(), admission.tryBackground()];
    expect(jobs.every(Boolean)).toBe(true);
    expect(admission.tryBackground(), 'one slot is kept for a request').toBeUndefined();
    expect([admission.background, admission.inflight, admission.queued]).toEqual([3, 0, 0]);
    expect(admission.idle, 'jobs are not admitted requests').toBe(true);
    const requests = [admission.enter()];
    for (const r of requests) await r.start();
    expect(admission.inflight).toBe(1);
    for (const t of [...jobs, ...requests]) t?.release();
    expect([admission.background, admission.inflight]).toEqual([0, 0]);
  });

  it('starts no background work while a request waits, and hands a freed slot to the waiting request', async () => {
    const admission = new Admission(2, 4);
    const job = admission.tryBackground();
    const running = admission.enter();
    await running.start();
    const waiting = admission.enter();
    let started = false;
    const start = waiting.start().then(() => {
      started = true;
    });
    expect(admission.queued).toBe(1);
    running.release();
    await start;
    expect(started).toBe(true);
    const third = admission.enter();
    const thirdStart = third.start();
    expect(admission.tryBackground(), 'a request waits: no job starts').toBeUndefined();
    job?.release(); // the job's slot goes to the waiting request, not to another job
    await thirdStart;
    expect([admission.inflight, admission.background, admission.queued]).toEqual([2, 0, 0]);
    expect(admission.tryBackground(), 'every slot is taken').toBeUndefined();
    waiting.release();
    expect(admission.tryBackground()).toBeDefined();
  });

  it('lets one background job run when there is a single slot, and releases idempotently', () => {
    const admission = new Admission(1, 0);
    const job = admission.tryBackground();
    expect(job).toBeDefined();
    job?.release();
    job?.release();
    expect(admission.background).toBe(0);
    expect(admission.tryBackground()).toBeDefined();
  });
});
