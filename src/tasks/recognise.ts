import { RocketError } from '../errors.js';
import type { ModelSignature } from '../rocket/infer.js';
import type { Manifest } from '../rocket/manifest.js';
import { FAMILIES, familyOf, TASK_NAMES } from './registry.js';
import { describeSignature } from './signature.js';
import type { TaskFamily } from './types.js';

/** A family chosen for a model, and why (what `rocket inspect` prints). */
export interface Recognition {
  family: TaskFamily;
  reason: string;
}

const HOW_TO =
  `Set "task" in rocket.json (one of ${TASK_NAMES.join(', ')}), and for a detector "output.format" ` +
  'with the fields its layout needs; docs/rocket.md lists each layout with a manifest example.';

/**
 * Which family serves the model: the manifest's `task`, else the one family whose zero-config
 * rule recognises it. No family or several: ROCKET_UNSUPPORTED listing the model's inputs and
 * outputs and what would make it work.
 */
export function recogniseFamily(
  modelPath: string,
  signature: ModelSignature,
  labels: readonly string[],
  manifest?: Manifest,
): Recognition {
  if (manifest?.task)
    return { family: familyOf(manifest.task), reason: `"task": "${manifest.task}" in rocket.json` };
  const unsupported = (why: string) =>
    new RocketError(
      'ROCKET_UNSUPPORTED',
      `Rocket ${modelPath}: ${why}.\n  ${describeSignature(signature)}\n  ${HOW_TO}`,
    );
  const claims = FAMILIES.flatMap((family) => {
    const reason = family.recognise(signature, labels);
    return reason ? [{ family, reason }] : [];
  });
  const [only] = claims;
  if (claims.length === 1 && only) return only;
  if (claims.length === 0) throw unsupported('no task family recognises its inputs and outputs');
  throw unsupported(`it is ambiguous: ${claims.map((c) => `${c.family.task} (${c.reason})`).join('; ')}`);
}
