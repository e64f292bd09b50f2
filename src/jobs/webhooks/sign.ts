import { createHmac } from 'node:crypto';
import { RocketError } from '../../errors.js';

const PREFIX = 'whsec_';

/**
 * The HMAC key of a WEBHOOK_SECRET (`whsec_` + base64, as Standard Webhooks writes it): the
 * decoded base64. Null for an empty secret: webhooks are then sent unsigned (no
 * `webhook-signature` header), which receivers that verify will reject. Throws CONFIG_INVALID
 * when the secret decodes to no bytes.
 */
export function webhookKey(secret: string): Buffer | null {
  if (secret === '') return null;
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new RocketError('CONFIG_INVALID', 'WEBHOOK_SECRET decodes to an empty key');
  return key;
}

/**
 * The Standard Webhooks signature `v1,<base64 HMAC-SHA256>` of `${id}.${timestampSeconds}.${body}`.
 */
export function webhookSignature(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-id` (the delivery's, the same on every
 * retry), `webhook-timestamp` (this attempt's time, epoch seconds, so receivers can refuse replays)
 * and, with a key, `webhook-signature`.
 */
export function webhookHeaders(
  key: Buffer | null,
  id: string,
  atMs: number,
  body: string,
): Record<string, string> {
  const timestamp = Math.floor(atMs / 1000);
  const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(timestamp) };
  if (key) headers['webhook-signature'] = webhookSignature(key, id, timestamp, body);
  return headers;
}
