import { describe, expect, it } from 'vitest';
import { cachedJobCounts } from '../../src/jobs/job-counts.js';
import type { JobStatus } from '../../src/jobs/types.js';
import { createLogger } from '../../src/log.js';

describe('cachedJobCounts (the rocket_jobs gauge)', () => {
  it('reads the store at most once a second, however often it is scraped', async () => {
    let now = 0;
    let reads = 0;
    const store = {
      counts: async () => ({ queued: ++reads }) as Record<JobStatus, number>,
    };
    const counts = cachedJobCounts(store, createLogger('error'), 1000, () => now);
    expect(await Promise.all([counts(), counts(), counts()])).toEqual([
      { queued: 1 },
      { queued: 1 },
      { queued: 1 },
    ]);
    now = 999;
    expect(await counts()).toEqual({ queued: 1 });
    now = 1000;
    expect(await counts()).toEqual({ queued: 2 });
    expect(reads).toBe(2);
  });

  it('answers the last counts read when the store fails, and logs it, rather than failing the scrape', async () => {
    let now = 0;
    let fail = false;
    const lines: string[] = [];
    const store = {
      counts: async () => {
        if (fail) throw new Error('database is locked');
        return { queued: 7 } as Record<JobStatus, number>;
      },
    };
    const counts = cachedJobCounts(
      store,
      createLogger('warn', (l) => lines.push(l)),
      1000,
      () => now,
    );
    expect(await counts()).toEqual({ queued: 7 });
    fail = true;
    now = 5000;
    expect(await counts()).toEqual({ queued: 7 });
    expect(lines.join('')).toContain('counting jobs for /metrics failed');
  });
});
