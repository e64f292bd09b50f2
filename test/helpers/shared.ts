import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.js';

/** ../shared beside the project: real models and photos, read in place, never copied. */
const SHARED = join(ROOT, '..', 'shared');
export const hasShared = existsSync(join(SHARED, 'models'));
export const shared = (...parts: string[]) => join(SHARED, ...parts);

/** Prints why a suite is skipped, once per file. */
export function noteIfNoShared(what: string): void {
  if (!hasShared) console.warn(`Skipping ${what}: ${SHARED} is absent (it holds the real models and photos)`);
}
