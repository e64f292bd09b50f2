import type { RocketApp } from '../app.js';
import { inBackground } from '../inference/background.js';
import { redactUrl } from '../rocket/redact.js';
import { jobsDataDir, modelSha256 } from './data-dir.js';
import { cachedJobCounts } from './job-counts.js';
import { StoreJobQueue } from './queue.js';
import { replay } from './replay.js';
import { Retention } from './retention.js';
import { JobRunner } from './runner.js';
import { openJobStore } from './store/open.js';
import type { JobQueue, JobRecord, JobStore } from './types.js';
import { checkWebhookUrl } from './webhooks/address-guard.js';
import { WebhookSender } from './webhooks/sender.js';

/**
 * Opens the job queue of a loaded rocket, under `rocket serve` and `rocket worker` (the
 * functions-framework target and Lambda have none). It waits for readiness and never delays it:
 * the model's sha256 is hashed after the load, then the store is opened (SQLite in DATA_DIR, by
 * default a folder per rocket, or PostgreSQL at JOB_STORE) and claimed for this rocket
 * (DATA_DIR_IN_USE when another rocket's jobs are there). Then it starts the webhook sender, the
 * retention purge and, with `work`, the runner, sets `app.stopJobs`, and resolves with the queue
 * (for `app.jobs`, through an OpeningJobQueue). Rejects with the store's error
 * (JOB_STORE_UNAVAILABLE, DATA_DIR_IN_USE), or the load's.
 */
export async function startJobs(app: RocketApp, work: boolean): Promise<JobQueue> {
  await app.ready;
  const { config, log, metrics } = app;
  const spec = app.pipeline().spec;
  const owner = { rocket: spec.name, modelSha256: await modelSha256(spec.modelPath) };
  const dataDir = jobsDataDir(config.DATA_DIR, owner);
  const store = await openJobStore(config, { dataDir });
  try {
    await store.claimOwnership(owner);
  } catch (err) {
    await store.close();
    throw err;
  }
  let runner: JobRunner | undefined;
  const queue = new StoreJobQueue(store, {
    maxQueued: config.MAX_JOBS_QUEUED,
    checkWebhookUrl: (url) => checkWebhookUrl(url, config.WEBHOOK_ALLOW_PRIVATE),
    accepted: (id, body) => runner?.accepted(id, body),
  });
  if (app.health().status === 'draining') {
    await store.close(); // the drain began while the store opened: nothing is started
    return queue;
  }
  const sender = new WebhookSender({
    store,
    secret: config.WEBHOOK_SECRET,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    logger: log,
    onOutcome: (outcome) => metrics.record((m) => m.webhookDeliveries.inc({ outcome })),
  });
  // A job with a webhook may have queued a delivery: sent now rather than at the sender's next
  // poll. Jobs without one (most) cost the outbox no read.
  const wakeSenderFor = (job: JobRecord) => {
    if (job.webhook) sender.wake();
  };
  runner = work
    ? new JobRunner(
        {
          store,
          slot: () => app.admission.tryBackground(),
          run: (request, signal) => inBackground(() => replay(app, request, signal)),
          log,
          onStarted: wakeSenderFor,
          onFinished(job, status, seconds) {
            metrics.record((m) => m.jobSeconds.observe({ status }, seconds));
            wakeSenderFor(job);
          },
        },
        { leaseMs: config.JOB_LEASE_S * 1000, maxAttempts: config.JOB_MAX_ATTEMPTS },
      )
    : undefined;
  const retention = new Retention(store, config.JOB_RETENTION_H * 3_600_000, log);
  const jobCounts = cachedJobCounts(store, log);
  metrics.record((m) => {
    m.jobCounts = jobCounts;
  });
  let stopped: Promise<boolean> | undefined;
  app.stopJobs = (graceMs) => {
    stopped ??= stopAll(store, graceMs, { runner, sender, retention });
    return stopped;
  };
  sender.start();
  retention.start();
  runner?.wake();
  log.info('job queue ready', {
    store: config.JOB_STORE ? redactUrl(config.JOB_STORE) : dataDir,
    processing: work,
  });
  return queue;
}

/**
 * Stops the runner (jobs still running after `graceMs` go back to the queue) and the sender
 * (within the same grace: a delivery it still holds is sent again once its lease ends), then
 * closes the store. Resolves true when every running job finished.
 */
async function stopAll(
  store: JobStore,
  graceMs: number,
  parts: { runner?: JobRunner; sender: WebhookSender; retention: Retention },
): Promise<boolean> {
  parts.retention.stop();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  const [clean] = await Promise.all([
    parts.runner?.stop(graceMs) ?? true,
    Promise.race([parts.sender.stop(), grace]),
  ]);
  clearTimeout(timer);
  await store.close();
  return clean;
}
