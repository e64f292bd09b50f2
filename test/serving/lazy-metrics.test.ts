import { describe, expect, it } from 'vitest';
import { LazyMetrics } from '../../src/serving/lazy-metrics.js';

const sample = () => ({ queued: 0, inflight: 0, workersBusy: 0, workers: 2 });

async function counted(metrics: LazyMetrics, reason: string): Promise<number> {
  const { registry } = await metrics.load();
  const rejected = await registry.getSingleMetric('rocket_rejected_total')?.get();
  return rejected?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('LazyMetrics', () => {
  it('applies what was recorded before prom-client loaded, then records as it goes', async () => {
    const metrics = new LazyMetrics(sample);
    metrics.record((m) => m.rejected.inc({ reason: 'overloaded' }));
    metrics.record((m) => m.rejected.inc({ reason: 'overloaded' }));
    expect(await counted(metrics, 'overloaded')).toBe(2);
    metrics.record((m) => m.rejected.inc({ reason: 'overloaded' }));
    expect(await counted(metrics, 'overloaded')).toBe(3);
    expect(metrics.load()).toBe(metrics.load()); // loaded once
    const { registry } = await metrics.load();
    expect(await registry.getSingleMetricAsString('rocket_workers')).toMatch(/^rocket_workers 2$/m);
  });

  it('loads by itself once 1000 changes wait, so a long start under traffic holds no more', async () => {
    const metrics = new LazyMetrics(sample);
    let applied = 0;
    for (let i = 0; i < 999; i++) metrics.record(() => applied++);
    await new Promise((r) => setTimeout(r, 50));
    expect(applied).toBe(0);
    metrics.record(() => applied++);
    for (let waited = 0; applied < 1000 && waited < 5000; waited += 10)
      await new Promise((r) => setTimeout(r, 10));
    expect(applied).toBe(1000); // loaded without a call to load()
    metrics.record(() => applied++);
    expect(applied).toBe(1001);
  });
});
