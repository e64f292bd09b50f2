/** Number of features of a tabular model: the last dimension of its first input (v2 shape, -1 variable). */
export function featureCount(shape: readonly number[]): number {
  const last = shape[shape.length - 1];
  return typeof last === 'number' && last > 0 ? last : 1;
}
