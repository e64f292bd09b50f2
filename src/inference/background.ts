import { AsyncLocalStorage } from 'node:async_hooks';

/** Marks the work running inside it as background work (jobs); nothing else. */
const lane = new AsyncLocalStorage<true>();

/**
 * Runs `work` as background work: the inference it asks for waits in the pool's queue behind
 * every synchronous request's (a job replays POST /process, whose code does not know it is a job).
 */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return lane.run(true, work);
}

/** True inside {@link inBackground}. */
export function isBackground(): boolean {
  return lane.getStore() === true;
}
