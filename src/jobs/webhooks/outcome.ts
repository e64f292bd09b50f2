import type { DeliveryOutcome } from '../types.js';
import { nextAttemptAt, type RetryPolicy, retryAfterDelay } from './backoff.js';

/** What one POST to a receiver came to: its answer, or the error that stopped it. */
export type AttemptResult =
  | { status: number; retryAfter?: string; location?: string }
  /** `refused`: the address guard stopped it (never retried); else a network error or the timeout. */
  | { error: string; refused?: boolean };

/**
 * The outcome of attempt number `attempt` (1 for the first) of a delivery, decided at `now`:
 * - 2xx: delivered;
 * - 410 Gone: abandoned, the receiver is gone;
 * - 3xx: abandoned, redirects are not followed (the URL must name the receiver itself);
 * - 5xx, 429, 408, timeouts and network errors: retried at nextAttemptAt (Retry-After honoured on
 *   429 and 503), until `policy.maxAttempts` attempts were made, then abandoned;
 * - other 4xx, and addresses the guard refuses: abandoned.
 */
export function deliveryOutcome(
  result: AttemptResult,
  attempt: number,
  now: number,
  policy: RetryPolicy,
  random: () => number,
): DeliveryOutcome {
  let reason: string;
  let retryAfterMs: number | undefined;
  if ('error' in result) {
    if (result.refused) return { kind: 'abandoned', reason: result.error };
    reason = result.error;
  } else {
    const { status } = result;
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 410) return { kind: 'abandoned', reason: 'the receiver answered 410 Gone' };
    if (status >= 300 && status < 400)
      return {
        kind: 'abandoned',
        reason: `the receiver answered ${status} (to ${result.location ?? 'no Location'}): redirects are not followed`,
      };
    if (status < 500 && status !== 429 && status !== 408)
      return { kind: 'abandoned', reason: `the receiver answered ${status}` };
    reason = `the receiver answered ${status}`;
    if (status === 429 || status === 503) retryAfterMs = retryAfterDelay(result.retryAfter, now);
  }
  if (attempt >= policy.maxAttempts)
    return { kind: 'abandoned', reason: `${reason}, after ${attempt} attempts` };
  return { kind: 'retry', at: nextAttemptAt(attempt, now, policy, random, retryAfterMs), reason };
}
