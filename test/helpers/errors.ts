import type { RocketError } from '../../src/errors.js';

/** What `fn` throws, as a RocketError; undefined when it throws nothing. */
export function caught(fn: () => unknown): RocketError | undefined {
  try {
    fn();
  } catch (err) {
    return err as RocketError;
  }
  return undefined;
}

/** What `fn` throws, as a RocketError; fails when it throws nothing. */
export function thrown(fn: () => unknown): RocketError {
  const err = caught(fn);
  if (err === undefined) throw new Error('expected an error to be thrown');
  return err;
}

/** What `p` rejects with, as a RocketError; fails when it resolves. */
export async function rejected(p: Promise<unknown>): Promise<RocketError> {
  try {
    await p;
  } catch (err) {
    return err as RocketError;
  }
  throw new Error('expected an error to be thrown');
}
