import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/jobs/types.js';
import type { HostResolver } from '../../src/jobs/webhooks/address-guard.js';
import { checkWebhookUrl } from '../../src/jobs/webhooks/address-guard.js';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  nextAttemptAt,
  type RetryPolicy,
  retryAfterDelay,
} from '../../src/jobs/webhooks/backoff.js';
import { type DeliverOptions, deliver } from '../../src/jobs/webhooks/deliver.js';
import { webhookKey } from '../../src/jobs/webhooks/sign.js';
import { type Answer, startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const secret = `whsec_${Buffer.from('a webhook key for the deliver test').toString('base64')}`;
const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5 };
const now = Date.now(); // the injected clock: fixed, near the real time so signatures verify
const payload = JSON.stringify({ type: 'job.completed', data: { id: 'job-1', status: 'succeeded' } });

const options = (overrides: Partial<DeliverOptions> = {}): DeliverOptions => ({
  key: webhookKey(secret),
  allowPrivate: true,
  timeoutMs: 10_000,
  policy,
  clock: () => now,
  random: () => 0.5,
  ...overrides,
});

const delivery = (url: string, attempts = 1): Delivery => ({
  id: 'msg_2Yc1',
  jobId: 'job-1',
  event: 'completed',
  url,
  payload,
  attempts,
  nextAttemptAt: now,
});

const receivers: WebhookReceiver[] = [];
async function receiver(...answers: Answer[]): Promise<WebhookReceiver> {
  const started = await startReceiver(answers);
  receivers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('deliver', () => {
  it('POSTs the payload as JSON with Standard Webhooks headers, and 2xx is delivered', async () => {
    const hook = await receiver({ status: 204 });
    expect(await deliver(delivery(`${hook.url}/hooks/rocket?token=t`), 1, options())).toEqual({
      kind: 'delivered',
      status: 204,
    });
    expect(hook.requests).toHaveLength(1);
    const [request] = hook.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/rocket?token=t', body: payload });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^rocketserve\//);
    expect(request.headers['webhook-id']).toBe('msg_2Yc1');
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
    const verified = new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(payload));
  });

  it('sends no webhook-signature when unsigned', async () => {
    const hook = await receiver({ status: 200 });
    await deliver(delivery(hook.url), 1, options({ key: null }));
    expect(hook.requests[0].headers['webhook-signature']).toBeUndefined();
    expect(hook.requests[0].headers['webhook-id']).toBe('msg_2Yc1');
  });

  it.each([
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [429, 'retry'],
    [408, 'retry'],
    [410, 'abandoned'],
    [400, 'abandoned'],
    [401, 'abandoned'],
    [404, 'abandoned'],
    [200, 'delivered'],
    [201, 'delivered'],
  ])('classifies %i as %s', async (status, kind) => {
    const hook = await receiver({ status });
    const outcome = await deliver(delivery(hook.url), 1, options());
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'retry') expect(outcome.at).toBe(now + 500); // random 0.5 × base 1 s
    if (status === 410) expect(outcome).toMatchObject({ reason: expect.stringMatching(/410 Gone/) });
  });

  it('does not follow a redirect: its target is never called', async () => {
    const target = await receiver({ status: 200 });
    for (const status of [301, 302, 307, 308]) {
      const hook = await receiver({ status, headers: { location: `${target.url}/elsewhere` } });
      const outcome = await deliver(delivery(hook.url), 1, options());
      expect(outcome).toEqual({
        kind: 'abandoned',
        reason: `the receiver answered ${status} (to ${target.url}/elsewhere): redirects are not followed`,
      });
      expect(hook.requests).toHaveLength(1);
    }
    expect(target.requests).toHaveLength(0);
  });

  it('honours Retry-After on 429 (seconds) and 503 (an HTTP-date)', async () => {
    const busy = await receiver({ status: 429, headers: { 'retry-after': '7' } });
    expect(await deliver(delivery(busy.url), 1, options())).toMatchObject({ kind: 'retry', at: now + 7000 });
    const at = new Date(Math.floor(now / 1000) * 1000 + 42_000);
    const down = await receiver({ status: 503, headers: { 'retry-after': at.toUTCString() } });
    expect(await deliver(delivery(down.url), 1, options())).toMatchObject({
      kind: 'retry',
      at: at.getTime(),
    });
  });

  it('retries a receiver that does not answer within the timeout, or refuses the connection', async () => {
    const silent = await receiver('hang');
    const outcome = await deliver(delivery(silent.url), 1, options({ timeoutMs: 200 }));
    expect(outcome).toMatchObject({ kind: 'retry', reason: 'no answer within 200 ms', at: now + 500 });
    expect(silent.requests).toHaveLength(1);

    const closed = await receiver();
    await closed.close();
    expect(await deliver(delivery(closed.url), 1, options())).toMatchObject({
      kind: 'retry',
      reason: 'ECONNREFUSED',
    });
  });

  it('abandons a delivery still failing after maxAttempts attempts', async () => {
    const hook = await receiver({ status: 500 });
    expect(
      (await deliver(delivery(hook.url, policy.maxAttempts - 1), policy.maxAttempts - 1, options())).kind,
    ).toBe('retry');
    expect(await deliver(delivery(hook.url, policy.maxAttempts), policy.maxAttempts, options())).toEqual({
      kind: 'abandoned',
      reason: `the receiver answered 500, after ${policy.maxAttempts} attempts`,
    });
  });
});

describe('the address guard when sending', () => {
  it('refuses a private address by default, without connecting', async () => {
    const hook = await receiver({ status: 200 });
    for (const url of [
      `http://localhost:${hook.port}/`,
      hook.url,
      `http://[::ffff:127.0.0.1]:${hook.port}/`,
    ]) {
      const outcome = await deliver(delivery(url), 1, options({ allowPrivate: false }));
      expect(outcome).toMatchObject({
        kind: 'abandoned',
        reason: expect.stringContaining('a loopback address'),
      });
    }
    expect(hook.requests).toHaveLength(0);
  });

  it('refuses a name that rebinds to a private address after the submit-time check', async () => {
    const hook = await receiver({ status: 200 });
    let answer = '93.184.215.14';
    const rebinding: HostResolver = async () => [{ address: answer, family: 4 }];
    const url = `http://rebind.example:${hook.port}/hook`;
    await checkWebhookUrl(url, false, rebinding);
    answer = '127.0.0.1';
    const outcome = await deliver(delivery(url), 1, options({ allowPrivate: false, resolve: rebinding }));
    expect(outcome).toMatchObject({
      kind: 'abandoned',
      reason: expect.stringContaining('127.0.0.1, a loopback'),
    });
    expect(hook.requests).toHaveLength(0);
  });

  it('connects to the address it resolved and checked, not to a second lookup', async () => {
    const hook = await receiver({ status: 200 });
    // hooks.invalid has no address in real DNS: only the checked answer can reach the receiver
    const resolve: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const outcome = await deliver(delivery(`http://hooks.invalid:${hook.port}/`), 1, options({ resolve }));
    expect(outcome).toEqual({ kind: 'delivered', status: 200 });
    expect(hook.requests[0].headers.host).toBe(`hooks.invalid:${hook.port}`);
  });

  it('retries when the name does not resolve (DNS may come back)', async () => {
    const resolve: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN hooks.example'), { code: 'EAI_AGAIN' });
    };
    const outcome = await deliver(delivery('http://hooks.example/'), 1, options({ resolve }));
    expect(outcome).toEqual({
      kind: 'retry',
      reason: 'the host does not resolve (EAI_AGAIN)',
      at: now + 500,
    });
  });
});

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap, with full jitter', () => {
    const schedule = (random: () => number) =>
      Array.from({ length: 9 }, (_, i) => backoffDelay(i + 1, policy, random));
    expect(schedule(() => 0.5)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(schedule(() => 0.999)).toEqual([999, 1998, 3996, 7992, 15_984, 31_968, 59_940, 59_940, 59_940]);
    expect(schedule(() => 0)).toEqual(new Array(9).fill(0));
  });

  it('reaches an hour at most with the defaults, and gives up after fifteen attempts', () => {
    const ceilings = Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts - 1 }, (_, i) =>
      backoffDelay(i + 1, DEFAULT_RETRY_POLICY, () => 1),
    );
    expect(ceilings.slice(0, 3)).toEqual([5000, 10_000, 20_000]);
    expect(Math.max(...ceilings)).toBe(3_600_000);
    expect(ceilings.reduce((a, b) => a + b, 0)).toBe(19_515_000); // 5 h 25 min 15 s at the most
  });

  it('reads Retry-After as seconds or an HTTP-date', () => {
    const t = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(retryAfterDelay('120', t)).toBe(120_000);
    expect(retryAfterDelay(' 0 ', t)).toBe(0);
    expect(retryAfterDelay('Thu, 01 Jan 2026 12:01:30 GMT', t)).toBe(90_000);
    expect(retryAfterDelay('Thu, 01 Jan 2026 11:00:00 GMT', t)).toBe(0);
    expect(retryAfterDelay('soon', t)).toBeUndefined();
    expect(retryAfterDelay('-5', t)).toBeUndefined();
    expect(retryAfterDelay(undefined, t)).toBeUndefined();
  });

  it('waits as long as Retry-After asks, without jitter, up to the cap', () => {
    expect(nextAttemptAt(3, 1000, policy, () => 0.5, 7000)).toBe(8000);
    expect(nextAttemptAt(1, 1000, policy, () => 0.5, 0)).toBe(1000);
    expect(nextAttemptAt(1, 1000, policy, () => 0.5, 3_600_000)).toBe(61_000);
    expect(nextAttemptAt(3, 1000, policy, () => 0.5)).toBe(3000);
  });
});
