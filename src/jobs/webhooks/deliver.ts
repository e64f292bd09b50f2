import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RocketError } from '../../errors.js';
import { packageVersion } from '../../package.js';
import type { Clock, Delivery, DeliveryOutcome } from '../types.js';
import {
  type HostResolver,
  parseWebhookUrl,
  pinnedLookup,
  resolveWebhookHost,
  systemResolver,
  urlHost,
} from './address-guard.js';
import type { RetryPolicy } from './backoff.js';
import { type AttemptResult, deliveryOutcome } from './outcome.js';
import { webhookHeaders } from './sign.js';

/** What one delivery attempt needs besides the delivery. */
export interface AttemptOptions {
  /** The signing key (webhookKey(WEBHOOK_SECRET)); null sends unsigned. */
  key: Buffer | null;
  /** WEBHOOK_ALLOW_PRIVATE: skip the address guard. */
  allowPrivate: boolean;
  /** The whole attempt, connection to response headers, must take less (ms); 10 s by default in the sender. */
  timeoutMs: number;
  /** The attempt's time (epoch ms), signed into `webhook-timestamp`. */
  now: number;
  resolve?: HostResolver;
}

/** The error code of a failed connection or lookup (ECONNREFUSED, ENOTFOUND...), or its message. */
function errorText(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
}

/**
 * POSTs `delivery.payload` (application/json) to `delivery.url` once, with the Standard Webhooks
 * headers, and says how the receiver answered. The host is resolved and guarded anew, and the
 * connection goes to exactly the addresses checked (pinnedLookup). Redirects are never followed;
 * the response body is read and dropped. Resolves, never rejects.
 */
export async function postWebhook(delivery: Delivery, options: AttemptOptions): Promise<AttemptResult> {
  let url: URL;
  let addresses: Awaited<ReturnType<typeof resolveWebhookHost>>;
  try {
    url = parseWebhookUrl(delivery.url);
    addresses = await resolveWebhookHost(
      urlHost(url),
      options.allowPrivate,
      options.resolve ?? systemResolver,
    );
  } catch (err) {
    if (err instanceof RocketError) return { error: err.message, refused: true };
    return { error: `the host does not resolve (${errorText(err)})` };
  }
  const body = Buffer.from(delivery.payload, 'utf8');
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': `rocketserve/${packageVersion()}`,
    ...webhookHeaders(options.key, delivery.id, options.now, delivery.payload),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = send(
      url,
      { method: 'POST', headers, agent: false, lookup: pinnedLookup(addresses) },
      (res) => {
        settle({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'],
          location: res.headers.location,
        });
        res.on('error', () => {}).once('close', () => clearTimeout(timer));
        res.resume();
      },
    );
    const timer = setTimeout(() => {
      settle({ error: `no answer within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      settle({ error: errorText(err) });
    });
    req.end(body);
  });
}

/** What {@link deliver} needs to decide an attempt's outcome, besides what it sends. */
export interface DeliverOptions extends Omit<AttemptOptions, 'now'> {
  policy: RetryPolicy;
  clock: Clock;
  /** Returns [0, 1): the jitter of the backoff. */
  random: () => number;
}

/**
 * One delivery attempt, number `attempt` (1 for the first), and its outcome: delivered, retry at
 * a time, or abandoned with a reason (see deliveryOutcome).
 */
export async function deliver(
  delivery: Delivery,
  attempt: number,
  options: DeliverOptions,
): Promise<DeliveryOutcome> {
  const result = await postWebhook(delivery, { ...options, now: options.clock() });
  return deliveryOutcome(result, attempt, options.clock(), options.policy, options.random);
}
