/** The "never a silent wrong answer" checks every family's postprocessing shares. */
import { RocketError } from '../errors.js';
import type { ImageRocketSpec } from '../rocket/types.js';

/**
 * OUTPUT_INVALID for a value that cannot be right: the outputs are misread. Names the rocket's
 * outputs, the format they were read as and `fix`, a sentence saying what would fix it.
 */
export function outputInvalid(spec: ImageRocketSpec, what: string, fix: string): RocketError {
  return new RocketError(
    'OUTPUT_INVALID',
    `Rocket ${spec.name}: output ${spec.outputNames.join(', ')} read as ${spec.outputFormat} gave ${what}, ` +
      `which cannot be right: the model's outputs are misread. ${fix}; see docs/rocket.md.`,
  );
}

/** The fix of families that read several output formats: choose the one the model has. */
export const chooseFormat = (formats: string): string =>
  `Set output.format in rocket.json to the layout the model has (${formats})`;

/** A float32 value as people read it: 7 significant digits (4.6, not 4.599999904632568). */
export const shownValue = (v: number): string => String(Number(v.toPrecision(7)));
