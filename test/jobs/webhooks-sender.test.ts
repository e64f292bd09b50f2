import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteJobStore } from '../../src/jobs/store/sqlite.js';
import { WebhookSender, type WebhookSenderOptions } from '../../src/jobs/webhooks/sender.js';
import { createLogger } from '../../src/log.js';
import { type Answer, startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const secret = `whsec_${Buffer.from('the sender test key').toString('base64')}`;

/**
 * The webhook outbox of a real SQLite job store in a temporary DATA_DIR. `add` queues a delivery
 * the way the runner does: a job with a webhook is submitted, claimed and finished.
 */
class Outbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'rocket-webhooks-'));
  /** Added to the store's clock: a day ahead shows whether any delivery is left, due or not. */
  private offset = 0;
  readonly store = SqliteJobStore.open(this.dir, () => Date.now() + this.offset);

  /** Finishes a job whose webhook is `url`, queuing its `completed` delivery; returns the job id. */
  async add(url: string, result: unknown = { label: 'ok' }): Promise<string> {
    const request = { contentType: 'application/json', accept: '', query: '', body: Buffer.from('{}') };
    const { job } = await this.store.submit(
      {
        id: randomUUID(),
        request,
        webhook: { url, events: ['completed'] },
        idempotencyKey: null,
        requestHash: randomUUID(),
      },
      100,
    );
    const claim = await this.store.claim(60_000, 3);
    if (claim?.job.id !== job.id) throw new Error('the job just submitted was not claimed');
    const body = Buffer.from(JSON.stringify(result));
    await this.store.finish(job.id, claim.leaseToken, {
      status: 'succeeded',
      result: { status: 200, contentType: 'application/json', body },
    });
    return job.id;
  }

  /** Whether any delivery is left in the outbox (due now or later). */
  async pending(): Promise<boolean> {
    this.offset = 86_400_000;
    try {
      return (await this.store.claimDelivery(1)) !== undefined;
    } finally {
      this.offset = 0;
    }
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const receivers: WebhookReceiver[] = [];
const senders: WebhookSender[] = [];
const outboxes: Outbox[] = [];
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.stop()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(outboxes.splice(0).map((o) => o.close()));
});

function outbox(): Outbox {
  const opened = new Outbox();
  outboxes.push(opened);
  return opened;
}

async function receiver(...answers: Answer[]): Promise<WebhookReceiver> {
  const started = await startReceiver(answers);
  receivers.push(started);
  return started;
}

/** A started sender over `outbox`, with short backoff, recording outcomes and log entries. */
function sender(queue: Outbox, overrides: Partial<WebhookSenderOptions> = {}) {
  const outcomes: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const webhooks = new WebhookSender({
    store: queue.store,
    secret,
    allowPrivate: true,
    logger: createLogger('debug', (line) => logs.push(JSON.parse(line))),
    onOutcome: (kind) => outcomes.push(kind),
    pollMs: 10,
    policy: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
    random: () => 0.5,
    ...overrides,
  });
  senders.push(webhooks);
  webhooks.start();
  return { webhooks, outcomes, logs };
}

describe('WebhookSender over a SQLite outbox', () => {
  it('delivers a 500, 500, 200 sequence with one webhook-id and the body unchanged', async () => {
    const hook = await receiver({ status: 500 }, { status: 500 }, { status: 200 });
    const queue = outbox();
    const jobId = await queue.add(`${hook.url}/hook`, { detections: [{ label: 'red', confidence: 0.9 }] });
    const { webhooks, outcomes } = sender(queue);
    await vi.waitFor(() => expect(outcomes).toHaveLength(3), { timeout: 10_000 });
    await webhooks.stop();
    expect(outcomes).toEqual(['retry', 'retry', 'delivered']);
    expect(await queue.pending()).toBe(false);
    expect(hook.requests).toHaveLength(3);
    const [first] = hook.requests;
    expect(first.headers['webhook-id']).toMatch(/.+/);
    const verifier = new Webhook(secret);
    for (const request of hook.requests) {
      expect(request.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(request.body).toBe(first.body);
      verifier.verify(request.body, request.headers as Record<string, string>);
    }
    expect(JSON.parse(first.body)).toMatchObject({
      type: 'job.completed',
      data: { id: jobId, status: 'succeeded', result: { detections: [{ label: 'red', confidence: 0.9 }] } },
    });
  });

  it('stops at a 410, logging why', async () => {
    const hook = await receiver({ status: 410 }, { status: 200 });
    const queue = outbox();
    const jobId = await queue.add(hook.url);
    const { webhooks, outcomes, logs } = sender(queue);
    await vi.waitFor(() => expect(outcomes).toEqual(['abandoned']), { timeout: 10_000 });
    await webhooks.stop();
    expect(await queue.pending()).toBe(false);
    expect(hook.requests).toHaveLength(1);
    expect(logs).toContainEqual(
      expect.objectContaining({
        severity: 'WARNING',
        message: 'Webhook delivery abandoned',
        deliveryId: hook.requests[0].headers['webhook-id'],
        jobId,
        attempt: 1,
        reason: 'the receiver answered 410 Gone',
      }),
    );
  });

  it('does not follow a redirect', async () => {
    const target = await receiver({ status: 200 });
    const hook = await receiver({ status: 307, headers: { location: `${target.url}/moved` } });
    const queue = outbox();
    await queue.add(hook.url);
    const { webhooks, outcomes } = sender(queue);
    await vi.waitFor(() => expect(outcomes).toEqual(['abandoned']), { timeout: 10_000 });
    await webhooks.stop();
    expect(await queue.pending()).toBe(false);
    expect(hook.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a private address by default when it connects', async () => {
    const hook = await receiver({ status: 200 });
    const queue = outbox();
    await queue.add(`http://localhost:${hook.port}/hook`);
    const { outcomes, logs } = sender(queue, { allowPrivate: false });
    await vi.waitFor(() => expect(outcomes).toEqual(['abandoned']), { timeout: 10_000 });
    expect(hook.requests).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.objectContaining({
        message: 'Webhook delivery abandoned',
        reason: expect.stringContaining('a loopback address'),
      }),
    );
  });

  it('abandons a delivery after maxAttempts attempts, counting them with the store', async () => {
    const hook = await receiver({ status: 503 });
    const queue = outbox();
    await queue.add(hook.url);
    const { webhooks, outcomes, logs } = sender(queue, {
      policy: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
    });
    await vi.waitFor(() => expect(outcomes).toHaveLength(3), { timeout: 10_000 });
    await webhooks.stop();
    expect(outcomes).toEqual(['retry', 'retry', 'abandoned']);
    expect(await queue.pending()).toBe(false);
    expect(hook.requests).toHaveLength(3);
    expect(
      logs.filter((l) => l.message === 'Webhook delivery failed; retrying').map((l) => l.attempt),
    ).toEqual([1, 2]);
    expect(logs).toContainEqual(
      expect.objectContaining({ attempt: 3, reason: 'the receiver answered 503, after 3 attempts' }),
    );
  });

  it('sends a few at a time, never more than its concurrency', async () => {
    // Holds each request until a second one is open (or 2 s pass), so two in flight are seen
    // whenever the sender allows two, and a third would be seen were it allowed.
    const held: ServerResponse[] = [];
    let most = 0;
    const release = () => {
      for (const res of held.splice(0)) res.end();
    };
    const server = createServer((req, res) => {
      req.resume().on('end', () => {
        held.push(res);
        most = Math.max(most, held.length);
        if (held.length >= 2) release();
        else setTimeout(release, 2000);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const queue = outbox();
    for (let i = 0; i < 8; i++) await queue.add(`http://127.0.0.1:${port}/`);
    const { outcomes } = sender(queue, { concurrency: 2 });
    await vi.waitFor(() => expect(outcomes).toHaveLength(8), { timeout: 20_000 });
    server.close();
    expect(outcomes).toEqual(new Array(8).fill('delivered'));
    expect(most).toBe(2);
  });

  it('sends a new delivery at once when woken, and stop() waits for the attempts in flight', async () => {
    const hook = await receiver({ status: 200 });
    const queue = outbox();
    const { webhooks, outcomes } = sender(queue, { pollMs: 3_600_000 });
    await new Promise((resolve) => setImmediate(resolve)); // the sender finds nothing and sleeps
    await queue.add(hook.url);
    webhooks.wake();
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1), { timeout: 10_000 });
    await webhooks.stop();
    expect(outcomes).toEqual(['delivered']);
    expect(await queue.pending()).toBe(false);
  });
});
