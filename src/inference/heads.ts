/**
 * Loads a task family's worker side by name: `src/tasks/<task>/head.js`. Workers load only this,
 * never the registry and the family objects, which carry what the main thread alone needs.
 */
import type { ImageHeadModule, RowsHeadModule } from '../tasks/types.js';

const load = (task: string): Promise<unknown> => import(`../tasks/${task}/head.js`);

/** The worker side of an image family. */
export const loadImageHead = (task: string) => load(task) as Promise<ImageHeadModule>;

/** The worker side of a rows family. */
export const loadRowsHead = (task: string) => load(task) as Promise<RowsHeadModule>;
