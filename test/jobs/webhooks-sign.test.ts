import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookHeaders, webhookKey, webhookSignature } from '../../src/jobs/webhooks/sign.js';
import { thrown } from '../helpers/errors.js';
import { createRandom } from '../helpers/random.js';

const secret = `whsec_${Buffer.from('rocketserve webhook test key, 32 by').toString('base64')}`;
const body = JSON.stringify({ type: 'job.completed', data: { id: 'j1', status: 'succeeded', café: '☕' } });

describe('webhook signing', () => {
  it('signs headers that the standardwebhooks package verifies', () => {
    const headers = webhookHeaders(webhookKey(secret), 'msg_1', Date.now(), body);
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('gives the signature the standardwebhooks package computes, for random keys', () => {
    const rng = createRandom(13);
    for (let i = 0; i < 20; i++) {
      const random = `whsec_${Buffer.from(rng.bytes(1 + i * 3)).toString('base64')}`;
      const at = new Date(1_700_000_000_000 + i * 1_234_567);
      const mine = webhookSignature(
        webhookKey(random) as Buffer,
        `msg_${i}`,
        Math.floor(at.getTime() / 1000),
        body,
      );
      expect(mine).toBe(new Webhook(random).sign(`msg_${i}`, at, body));
    }
  });

  it('is refused by a verifier when the body, the id or the secret differ', () => {
    const headers = webhookHeaders(webhookKey(secret), 'msg_1', Date.now(), body);
    const verifier = new Webhook(secret);
    expect(() => verifier.verify(`${body} `, headers)).toThrow(/signature/);
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(/signature/);
    const other = new Webhook(`whsec_${Buffer.from(createRandom(7).bytes(32)).toString('base64')}`);
    expect(() => other.verify(body, headers)).toThrow(/signature/);
  });

  it('puts the time of the attempt in webhook-timestamp, in seconds', () => {
    const headers = webhookHeaders(webhookKey(secret), 'msg_1', 1_700_000_000_999, body);
    expect(headers['webhook-timestamp']).toBe('1700000000');
  });

  it('sends unsigned, without a webhook-signature header, when the secret is empty', () => {
    expect(webhookKey('')).toBeNull();
    const headers = webhookHeaders(null, 'msg_1', 1_700_000_000_000, body);
    expect(headers).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000' });
  });

  it('refuses a secret that decodes to no key', () => {
    expect(thrown(() => webhookKey('whsec_A')).code).toBe('CONFIG_INVALID');
  });
});
