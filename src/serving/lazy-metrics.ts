import type { Metrics } from './metrics.js';

/** What the metrics read at scrape time (Metrics' constructor). */
type Sample = ConstructorParameters<typeof Metrics>[0];

/** How many changes may wait for prom-client before it is loaded anyway (a start that takes long under traffic). */
const MAX_PENDING = 1000;

/**
 * A server's Prometheus metrics (metrics.ts), with prom-client and its modules loaded off the cold
 * start: a change recorded before they have loaded (the requests held during the start, the
 * rocket's info) is applied once they have. The app loads them once its rocket is ready; a scrape,
 * or MAX_PENDING waiting changes, load them at once. Default metrics (event loop, GC, memory) count
 * from that load on.
 */
export class LazyMetrics {
  private loaded?: Metrics;
  private loading?: Promise<Metrics>;
  private readonly pending: ((metrics: Metrics) => void)[] = [];

  constructor(private readonly sample: Sample) {}

  /** The metrics, loading prom-client on the first call. */
  load(): Promise<Metrics> {
    this.loading ??= import('./metrics.js').then(({ Metrics }) => {
      const metrics = new Metrics(this.sample);
      for (const change of this.pending.splice(0)) change(metrics);
      this.loaded = metrics;
      return metrics;
    });
    return this.loading;
  }

  /** Applies `change` now when the metrics have loaded, else once they have. */
  record(change: (metrics: Metrics) => void): void {
    if (this.loaded) {
      change(this.loaded);
      return;
    }
    this.pending.push(change);
    if (this.pending.length >= MAX_PENDING) this.load().catch(() => {}); // a scrape reports it
  }
}
