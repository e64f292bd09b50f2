import { labelOf } from '../../rocket/labels.js';
import type { ClassShare } from './schema.js';

/** Classes covering less of the image than this are left out unless `minFraction` says otherwise. */
export const DEFAULT_MIN_FRACTION = 0.001;

/**
 * The classes present in an image of `total` pixels, from each class's `areas` in pixels: the
 * share of each, largest first (then by class id), leaving out those under `minFraction` and
 * those absent. Fractions keep 4 significant digits, so a class of a few pixels still shows.
 */
export function classShares(
  areas: Float64Array,
  total: number,
  labels: readonly string[],
  minFraction: number,
): ClassShare[] {
  const shares: ClassShare[] = [];
  for (let k = 0; k < areas.length; k++) {
    const fraction = (areas[k] as number) / total;
    if (fraction > 0 && fraction >= minFraction) {
      shares.push({ label: labelOf(labels, k), class: k, fraction: Number(fraction.toPrecision(4)) });
    }
  }
  return shares.sort((a, b) => b.fraction - a.fraction || a.class - b.class);
}
