import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { Histogram, type Registry } from 'prom-client';

/** The name prom-client's default metrics give the GC histogram. */
const NAME = 'nodejs_gc_duration_seconds';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Replaces prom-client's GC histogram in `registry` with one that records every collection.
 * prom-client's records only the first entry of each observer callback, and a busy event loop
 * gets its GC entries in batches, so it undercounts exactly when GCs matter. Same name, labels and
 * buckets as prom-client's.
 */
export function countEveryGc(registry: Registry): void {
  registry.removeSingleMetric(NAME);
  const histogram = new Histogram({
    name: NAME,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [registry],
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = KINDS[detail?.kind ?? -1] ?? 'unknown';
      histogram.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}
