/**
 * Models rocketserve recognises but does not serve yet. Each gets ROCKET_UNSUPPORTED naming its
 * task, never an answer read as another task's (a pose head read as a detector gives confidences
 * of 685).
 */

import type { ModelSignature } from '../rocket/infer.js';

interface UnservedRule {
  task: string;
  /** Why the model is this task, or undefined. */
  recognise(signature: ModelSignature): string | undefined;
}

const ULTRALYTICS_TASKS: Record<string, string> = {};

const RULES: UnservedRule[] = [
  ...Object.entries(ULTRALYTICS_TASKS).map(
    ([task, what]): UnservedRule => ({
      task: what,
      recognise: (s) => (s.metadata.task === task ? `its metadata says task: ${task}` : undefined),
    }),
  ),
];

/** The task a model is, when it is one rocketserve does not serve yet. */
export function unservedTask(signature: ModelSignature): { task: string; reason: string } | undefined {
  for (const rule of RULES) {
    const reason = rule.recognise(signature);
    if (reason) return { task: rule.task, reason };
  }
  return undefined;
}
