import { exceptionFields, type Logger } from '../log.js';
import type { Clock, JobStatus, JobStore } from './types.js';

/**
 * store.counts() for the rocket_jobs gauge, read at most once per `ttlMs` however often /metrics
 * is scraped (several scrapers, an autoscaler's adapter). A failed read never fails the scrape: it
 * is logged and answers the last counts read (none before the first), so a store outage never
 * reads as an empty queue.
 */
export function cachedJobCounts(
  store: Pick<JobStore, 'counts'>,
  log: Logger,
  ttlMs = 1000,
  clock: Clock = Date.now,
): () => Promise<Partial<Record<JobStatus, number>>> {
  let read: { at: number; counts: Promise<Partial<Record<JobStatus, number>>> } | undefined;
  let lastGood: Partial<Record<JobStatus, number>> = {};
  return () => {
    const now = clock();
    if (!read || now - read.at >= ttlMs) {
      const counts = store.counts().then(
        (counts) => {
          lastGood = counts;
          return counts;
        },
        (err: unknown) => {
          log.warn('counting jobs for /metrics failed; reporting the last counts', exceptionFields(err));
          return lastGood;
        },
      );
      read = { at: now, counts };
    }
    return read.counts;
  };
}
