import { RocketError } from '../errors.js';

/** A place in the system, held from admission to the response. */
export interface Ticket {
  /** Waits for a processing slot (FIFO). Rejects with NOT_READY if `signal` aborts first. */
  start(signal?: AbortSignal): Promise<void>;
  /** Frees the slot or the queue place. Idempotent. */
  release(): void;
}

/**
 * Admission control in front of inference: at most `maxInflight` requests are processed at once
 * and at most `maxQueue` wait for a slot. Anyone beyond is refused at once with 503 OVERLOADED and
 * `Retry-After`, never left to time out. With `maxPerClient` > 0, one client may hold at most that
 * many of those places, and is refused beyond with 429 CLIENT_LIMIT, so a single busy client cannot
 * take the whole queue. A waiter whose client disconnects leaves the queue.
 *
 * Background work (jobs) takes slots through {@link Admission.tryBackground}: only when no request
 * waits, and all but one of them, so synchronous requests keep priority.
 */
export class Admission {
  private inflightCount = 0;
  /** Slots held by background work (jobs); they count against maxInflight but never queue. */
  private backgroundCount = 0;
  /** Grants of the requests waiting for a slot, in arrival order. */
  private readonly waiting: (() => void)[] = [];
  private admitted = 0;
  /** Admitted requests per client, for clients holding at least one. */
  private readonly perClient = new Map<string, number>();

  constructor(
    readonly maxInflight: number,
    readonly maxQueue: number,
    /** Admitted requests one client may hold; 0 = no per-client limit. */
    readonly maxPerClient = 0,
    /** Seconds clients are told to wait before retrying. */
    private readonly retryAfterS = 1,
  ) {}

  get inflight(): number {
    return this.inflightCount;
  }

  /** Admitted requests not yet processing. */
  get queued(): number {
    return this.admitted - this.inflightCount;
  }

  /** Slots held by background work (jobs). */
  get background(): number {
    return this.backgroundCount;
  }

  /**
   * Slots background work may hold at once: all but one (at least one), so a request arriving
   * while jobs run finds a slot at once; in the pool its inference then goes ahead of theirs.
   */
  get maxBackground(): number {
    return Math.max(1, this.maxInflight - 1);
  }

  /** True when nothing is admitted: no request processing or waiting. */
  get idle(): boolean {
    return this.admitted === 0;
  }

  /** Admits a request from `client` or throws CLIENT_LIMIT (429) or OVERLOADED (503), with Retry-After. */
  enter(client = ''): Ticket {
    const limitClients = this.maxPerClient > 0;
    const held = limitClients ? (this.perClient.get(client) ?? 0) : 0;
    if (limitClients && held >= this.maxPerClient) {
      throw this.refusal(
        'CLIENT_LIMIT',
        `This client already has ${held} requests running or queued (MAX_INFLIGHT_PER_CLIENT)`,
      );
    }
    if (this.admitted >= this.maxInflight + this.maxQueue) {
      throw this.refusal(
        'OVERLOADED',
        `The server is at capacity (${this.maxInflight} in flight, ${this.maxQueue} queued)`,
      );
    }
    this.admitted++;
    if (limitClients) this.perClient.set(client, held + 1);
    let state: 'admitted' | 'running' | 'released' = 'admitted';
    return {
      start: (signal) => {
        if (state !== 'admitted') return Promise.resolve();
        if (this.slotFree && this.waiting.length === 0) {
          this.inflightCount++;
          state = 'running';
          return Promise.resolve();
        }
        return new Promise<void>((resolve, reject) => {
          const grant = () => {
            signal?.removeEventListener('abort', onAbort);
            state = 'running';
            resolve();
          };
          const onAbort = () => {
            const i = this.waiting.indexOf(grant);
            if (i >= 0) this.waiting.splice(i, 1);
            reject(new RocketError('NOT_READY', 'The client went away while its request was queued'));
          };
          signal?.addEventListener('abort', onAbort, { once: true });
          this.waiting.push(grant);
        });
      },
      release: () => {
        if (state === 'released') return;
        if (state === 'running') this.inflightCount--;
        state = 'released';
        this.admitted--;
        if (limitClients) {
          const left = (this.perClient.get(client) ?? 1) - 1;
          if (left > 0) this.perClient.set(client, left);
          else this.perClient.delete(client);
        }
        this.grantNext();
      },
    };
  }

  /**
   * A slot for background work (a job) at once, or undefined: only while no request waits for a
   * slot, a slot is free, and background work holds fewer than {@link maxBackground} slots, so
   * synchronous requests come first and always find a slot of their own.
   * Its `start` resolves at once; its `release` hands the slot to a waiting request first.
   */
  tryBackground(): Ticket | undefined {
    if (this.waiting.length > 0 || !this.slotFree || this.backgroundCount >= this.maxBackground) return;
    this.backgroundCount++;
    let released = false;
    return {
      start: () => Promise.resolve(),
      release: () => {
        if (released) return;
        released = true;
        this.backgroundCount--;
        this.grantNext();
      },
    };
  }

  /** True when a request or a job may take a slot now. */
  private get slotFree(): boolean {
    return this.inflightCount + this.backgroundCount < this.maxInflight;
  }

  /** An immediate refusal that tells the client when to retry. */
  private refusal(code: 'CLIENT_LIMIT' | 'OVERLOADED', why: string): RocketError {
    return new RocketError(code, `${why}; retry after ${this.retryAfterS} s`, {
      headers: { 'retry-after': String(this.retryAfterS) },
    });
  }

  private grantNext(): void {
    while (this.slotFree) {
      const next = this.waiting.shift();
      if (!next) return;
      this.inflightCount++;
      next();
    }
  }
}
