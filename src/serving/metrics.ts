import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { RunTiming } from '../inference/pool.js';
import type { JobStatus } from '../jobs/types.js';
import { countEveryGc } from './gc-metric.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A job may run much longer than a request: the latency buckets, then up to 10 minutes. */
const JOB_BUCKETS = [...LATENCY_BUCKETS, 30, 60, 120, 300, 600];

/**
 * The Prometheus metrics of one server, in their own registry (so several apps in one process,
 * as in tests, never collide). Exposed at GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'rocket_http_requests_total',
    help: 'HTTP requests answered, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'rocket_http_request_duration_seconds',
    help: 'Time from request arrival to the end of the response, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly queueWaitSeconds = new Histogram({
    name: 'rocket_queue_wait_seconds',
    help: 'Time an admitted request waited for a processing slot.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceSeconds = new Histogram({
    name: 'rocket_inference_seconds',
    help: 'onnxruntime session.run time per batch.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly preprocessSeconds = new Histogram({
    name: 'rocket_preprocess_seconds',
    help: 'Preprocessing time per image inference run (the batch into the input tensor, in the worker).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly postprocessSeconds = new Histogram({
    name: 'rocket_postprocess_seconds',
    help: "Postprocessing time per image inference run (the model's outputs into the answer, in the worker).",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceFailures = new Counter({
    name: 'rocket_inference_failures_total',
    help: 'Inference runs that failed, by the error code their requests got (e.g. INFERENCE_FAILED).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'rocket_batch_size',
    help: 'Images per inference run.',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'rocket_rejected_total',
    help: 'Requests refused by admission control: 503 OVERLOADED (reason overloaded) or 429 CLIENT_LIMIT (reason client_limit).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly info = new Gauge({
    name: 'rocket_info',
    help: 'The rocket served and where it runs (value 1).',
    labelNames: ['rocket', 'version', 'task', 'device', 'execution_provider'] as const,
    registers: [this.registry],
  });

  readonly jobSeconds = new Histogram({
    name: 'rocket_job_duration_seconds',
    help: 'Time a job ran in this process, from its claim to its recorded end, by how it ended (succeeded, failed, canceled).',
    labelNames: ['status'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'rocket_webhook_deliveries_total',
    help: 'Webhook delivery attempts made by this process, by outcome: delivered, retry (tried again later) or abandoned.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  /** Jobs per status in the job store, for rocket_jobs; set once a job store is open (startJobs). */
  jobCounts?: () => Promise<Partial<Record<JobStatus, number>>>;

  /** `sample` is read at scrape time: queue depth, in-flight requests and busy workers. */
  constructor(sample: () => { queued: number; inflight: number; workersBusy: number; workers: number }) {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    gauge('rocket_queue_depth', 'Admitted requests waiting for a processing slot.', () => sample().queued);
    gauge('rocket_inflight_requests', 'Requests being processed.', () => sample().inflight);
    gauge('rocket_workers', 'Inference worker threads.', () => sample().workers);
    gauge(
      'rocket_worker_utilization_ratio',
      'Fraction of inference workers running a batch right now.',
      () => {
        const s = sample();
        return s.workers === 0 ? 0 : s.workersBusy / s.workers;
      },
    );
    const jobCounts = () => this.jobCounts?.();
    new Gauge({
      name: 'rocket_jobs',
      help: 'Jobs in the job store by status, shared by every process using it: status="queued" is the backlog an autoscaler reads.',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        for (const [status, count] of Object.entries((await jobCounts()) ?? {})) this.set({ status }, count);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    countEveryGc(this.registry);
  }

  /** Records one inference run: its batch size and the time of each stage it had. */
  observeRun(size: number, timing: RunTiming): void {
    this.batchSize.observe(size);
    this.inferenceSeconds.observe(timing.inferenceMs / 1000);
    if (timing.preprocessMs !== undefined) this.preprocessSeconds.observe(timing.preprocessMs / 1000);
    if (timing.postprocessMs !== undefined) this.postprocessSeconds.observe(timing.postprocessMs / 1000);
  }
}
