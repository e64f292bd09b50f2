import { PerformanceObserver } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { countEveryGc } from '../../src/serving/gc-metric.js';

/** The number of GCs the registry's histogram has counted. */
async function counted(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('nodejs_gc_duration_seconds')?.get();
  const values = (metric?.values ?? []) as { metricName?: string; value: number }[];
  return values
    .filter((v) => v.metricName === 'nodejs_gc_duration_seconds_count')
    .reduce((sum, v) => sum + v.value, 0);
}

describe('the GC histogram of /metrics', () => {
  it('counts every collection, also when several reach the observer in one batch', async () => {
    const registry = new Registry();
    countEveryGc(registry);
    let seen = 0;
    let batches = 0;
    const witness = new PerformanceObserver((list) => {
      seen += list.getEntries().length;
      batches++;
    });
    witness.observe({ entryTypes: ['gc'] });
    // One synchronous burst of garbage: its scavenges reach the observers together, after it.
    let kept = 0;
    for (let i = 0; i < 400; i++) kept += new Array(50_000).fill(i).length;
    await new Promise((r) => setTimeout(r, 100));
    witness.disconnect();
    expect(kept).toBe(400 * 50_000);
    expect(seen).toBeGreaterThan(batches); // batches did hold several entries
    expect(await counted(registry)).toBe(seen);
  });
});
