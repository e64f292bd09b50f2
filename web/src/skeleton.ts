/**
 * Which keypoints and limbs are drawn: a pose's skeleton (limbs between keypoints, from
 * /playground.json) joins the keypoints seen; a face detector's landmarks are dots only.
 */
import type { Keypoint } from './filter.js';

/** Keypoints scored under this are taken as not seen, and neither dotted nor joined. */
export const KEYPOINT_SCORE = 0.5;

/** Whether a keypoint is drawn: seen well enough, or given without a score (face landmarks). */
export const isSeen = (k: Keypoint): boolean => k.score === undefined || k.score >= KEYPOINT_SCORE;

/** The limbs whose two ends exist and are seen, as pairs of keypoints. */
export function limbs(
  keypoints: readonly Keypoint[],
  skeleton: readonly [number, number][],
): [Keypoint, Keypoint][] {
  const seen = (i: number) => {
    const k = keypoints[i];
    return k && isSeen(k) ? k : undefined;
  };
  return skeleton.flatMap(([a, b]): [Keypoint, Keypoint][] => {
    const [from, to] = [seen(a), seen(b)];
    return from && to ? [[from, to]] : [];
  });
}
