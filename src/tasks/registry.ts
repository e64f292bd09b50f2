/**
 * Every task family rocketserve serves. Adding a family is a folder in src/tasks/ and one line
 * here; the HTTP layer, the pipeline, the worker, the CLI and OpenAPI ask this list.
 */
import { RocketError } from '../errors.js';
import { classify } from './classify/family.js';
import { detect } from './detect/family.js';
import { image2image } from './image2image/family.js';
import { obb } from './obb/family.js';
import { pose } from './pose/family.js';
import { segment } from './segment/family.js';
import { semantic } from './semantic/family.js';
import { tabular } from './tabular/family.js';
import type { ImageFamily, RowsFamily, TaskFamily } from './types.js';

export const FAMILIES: readonly TaskFamily[] = [
  detect,
  segment,
  pose,
  obb,
  classify,
  semantic,
  image2image,
  tabular,
];

/** The task names, for rocket.json's `task`. */
export const TASK_NAMES = FAMILIES.map((f) => f.task) as [string, ...string[]];

/** The family of a task name. */
export function familyOf(task: string): TaskFamily {
  const family = FAMILIES.find((f) => f.task === task);
  if (!family)
    throw new RocketError('ROCKET_INVALID', `Unknown task ${task}; the tasks are ${TASK_NAMES.join(', ')}`);
  return family;
}

/** The family of an image rocket's task. */
export function imageFamilyOf(task: string): ImageFamily {
  const family = familyOf(task);
  if (family.input !== 'image') throw new Error(`Task ${task} does not take images`);
  return family;
}

/** The family of a rows rocket's task. */
export function rowsFamilyOf(task: string): RowsFamily {
  const family = familyOf(task);
  if (family.input !== 'rows') throw new Error(`Task ${task} does not take rows`);
  return family;
}
