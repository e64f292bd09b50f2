import type { Logger } from '../../log.js';
import type { Clock, Delivery, DeliveryOutcome, JobStore } from '../types.js';
import type { HostResolver } from './address-guard.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import { type DeliverOptions, deliver } from './deliver.js';
import { webhookKey } from './sign.js';

/** What a {@link WebhookSender} needs. */
export interface WebhookSenderOptions {
  /** The outbox: the job store's deliveries. */
  store: Pick<JobStore, 'claimDelivery' | 'settleDelivery'>;
  /** WEBHOOK_SECRET (`whsec_…`); empty sends unsigned. */
  secret: string;
  /** WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  logger: Logger;
  /** Called once per attempt with its outcome (`rocket_webhook_deliveries_total{outcome}`). */
  onOutcome?: (kind: DeliveryOutcome['kind']) => void;
  /** Deliveries in flight at once (default 4). */
  concurrency?: number;
  /** How long to wait (ms) for a delivery to fall due when none is, unless woken (default 1000). */
  pollMs?: number;
  /** One attempt's limit (ms), connection to response (default 10 000). */
  timeoutMs?: number;
  /** How long a claimed delivery is this sender's (ms); must outlast an attempt (default timeoutMs + 50 s). */
  leaseMs?: number;
  policy?: RetryPolicy;
  clock?: Clock;
  /** [0, 1): the backoff's jitter (default Math.random). */
  random?: () => number;
  resolve?: HostResolver;
}

/**
 * Sends the outbox's webhooks: claims each delivery as it falls due, POSTs it (deliver), and
 * records the outcome in the store (settleDelivery), a few at a time. Deliveries live in the store,
 * so a delivery a stopped or killed sender held is taken again once its lease runs out.
 */
export class WebhookSender {
  private readonly deliverOptions: DeliverOptions;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopping = false;
  private woken = false;
  private endSleep: (() => void) | undefined;

  /** Throws CONFIG_INVALID when the secret decodes to no key. */
  constructor(private readonly options: WebhookSenderOptions) {
    this.deliverOptions = {
      key: webhookKey(options.secret),
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs ?? 10_000,
      policy: options.policy ?? DEFAULT_RETRY_POLICY,
      clock: options.clock ?? Date.now,
      random: options.random ?? Math.random,
      resolve: options.resolve,
    };
  }

  /** Starts sending (again after stop); does nothing while running. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops claiming, and resolves once the attempts in flight are recorded (each within timeoutMs). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
    this.loop = undefined;
  }

  /** Looks for due deliveries now rather than after the poll interval (a job just finished). */
  wake(): void {
    this.woken = true;
    this.endSleep?.();
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 4;
    const leaseMs = this.options.leaseMs ?? this.deliverOptions.timeoutMs + 50_000;
    while (!this.stopping) {
      if (this.inFlight.size >= concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      this.woken = false;
      let delivery: Delivery | undefined;
      try {
        delivery = await this.options.store.claimDelivery(leaseMs);
      } catch (err) {
        this.options.logger.warn('The webhook outbox cannot be read; trying again', { error: String(err) });
      }
      if (delivery) this.track(this.send(delivery));
      else await this.sleep();
    }
    await Promise.all(this.inFlight);
  }

  private track(task: Promise<void>): void {
    const tracked = task
      .catch((err) =>
        this.options.logger.error('A webhook attempt failed unexpectedly', { error: String(err) }),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private sleep(): Promise<void> {
    if (this.woken || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs ?? 1000);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.endSleep = done;
    }).finally(() => {
      this.endSleep = undefined;
    });
  }

  /** One attempt of `delivery`, its outcome recorded, counted and, when abandoned, logged. */
  private async send(delivery: Delivery): Promise<void> {
    const { logger, store, onOutcome } = this.options;
    const attempt = delivery.attempts + 1; // the store counts the attempts settled as `retry`
    const outcome = await deliver(delivery, attempt, this.deliverOptions);
    const fields = { deliveryId: delivery.id, jobId: delivery.jobId, event: delivery.event, attempt };
    try {
      await store.settleDelivery(delivery.id, outcome);
    } catch (err) {
      logger.warn('A webhook outcome could not be recorded; the delivery is retried when its lease ends', {
        ...fields,
        error: String(err),
      });
    }
    onOutcome?.(outcome.kind);
    const host = URL.canParse(delivery.url) ? new URL(delivery.url).host : undefined; // not the path: it may hold a token
    if (outcome.kind === 'abandoned')
      logger.warn('Webhook delivery abandoned', { ...fields, host, reason: outcome.reason });
    else if (outcome.kind === 'retry')
      logger.info('Webhook delivery failed; retrying', {
        ...fields,
        host,
        reason: outcome.reason,
        at: new Date(outcome.at).toISOString(),
      });
  }
}
