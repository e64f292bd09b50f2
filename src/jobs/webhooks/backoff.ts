/** How webhook deliveries are retried. */
export interface RetryPolicy {
  /** The first retry waits up to this long (ms); each later one up to twice the one before. */
  baseDelayMs: number;
  /** No wait grows beyond this (ms), a receiver's Retry-After included. */
  maxDelayMs: number;
  /** Attempts in all, the first included; a delivery still failing after these is abandoned. */
  maxAttempts: number;
}

/**
 * Waits of up to 5 s, 10 s, 20 s ... 1 h, fifteen attempts: a receiver may be down for about 5 h 25
 * min at the most (half that on average, from the jitter) before a delivery is abandoned.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 15,
};

/**
 * The wait (ms) before the attempt after failed attempt number `attempt` (1 for the first):
 * exponential backoff with full jitter, `random() × min(maxDelayMs, baseDelayMs × 2^(attempt-1))`,
 * so receivers that failed together are not all retried at once. `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait (ms) a `Retry-After` header asks for: delay-seconds (`120`) or an HTTP-date, read
 * against `now` (epoch ms). Undefined when absent or unreadable; never negative.
 */
export function retryAfterDelay(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = /[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN; // a date names its month
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * When (epoch ms) to try again after failed attempt number `attempt`: at the receiver's
 * Retry-After when it gave one (up to maxDelayMs), else after backoffDelay.
 */
export function nextAttemptAt(
  attempt: number,
  now: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const delay =
    retryAfterMs === undefined
      ? backoffDelay(attempt, policy, random)
      : Math.min(retryAfterMs, policy.maxDelayMs);
  return now + delay;
}
