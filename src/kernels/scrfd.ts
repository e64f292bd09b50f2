/** Reference {@link Kernels.decodeScrfd}: one stride of InsightFace's SCRFD face detector. */
import { candidates, checkCapacity, checkLandmarks } from './candidates.js';
import { count, exactly, numeric, object, positive, typed, typedOrNull } from './checks.js';
import type { Kernels } from './types.js';

const ANCHORS = 'gridWidth * gridHeight * anchorsPerCell';

/**
 * Reference {@link Kernels.decodeScrfd}. Scores are copied as they are; boxes and landmarks are
 * computed in float64 and each value rounded once.
 */
export const decodeScrfd: Kernels['decodeScrfd'] = (scores, bbox, kps, options, out) => {
  const sc = typed<Float32Array>(scores, 'a Float32Array', 'scores');
  const bb = typed<Float32Array>(bbox, 'a Float32Array', 'bbox');
  const kp = typedOrNull<Float32Array>(kps, 'a Float32Array', 'kps');
  const o = object(options, 'options');
  const s = positive(o, 'options', 'stride');
  const gw = positive(o, 'options', 'gridWidth');
  const gh = positive(o, 'options', 'gridHeight');
  const apc = positive(o, 'options', 'anchorsPerCell');
  const k = count(o, 'options', 'numKeypoints');
  const conf = numeric(o, 'options', 'confThreshold');
  const r = candidates(out, k);
  const n = gw * gh * apc;
  exactly(sc.length, n, `floats (${ANCHORS})`, 'scores.length');
  exactly(bb.length, 4 * n, `floats (4 * ${ANCHORS})`, 'bbox.length');
  checkLandmarks(kp, 'kps', k, n, ANCHORS);
  checkCapacity(r, n, ANCHORS, k);
  const l = kp ?? r.keypoints; // read only when k > 0, where kp is not null

  // Anchors are listed cell by cell (row by row), anchorsPerCell consecutive anchors per cell, all
  // centred on the cell's top-left corner (col × s, row × s) as in InsightFace.
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const score = sc[i];
    if (!(score > conf)) continue;
    const cell = Math.floor(i / apc);
    const cx = (cell % gw) * s;
    const cy = Math.floor(cell / gw) * s;
    r.boxes[4 * kept] = cx - bb[4 * i] * s;
    r.boxes[4 * kept + 1] = cy - bb[4 * i + 1] * s;
    r.boxes[4 * kept + 2] = cx + bb[4 * i + 2] * s;
    r.boxes[4 * kept + 3] = cy + bb[4 * i + 3] * s;
    for (let j = 0; j < k; j++) {
      r.keypoints[2 * (k * kept + j)] = cx + l[2 * (k * i + j)] * s;
      r.keypoints[2 * (k * kept + j) + 1] = cy + l[2 * (k * i + j) + 1] * s;
    }
    r.scores[kept] = score;
    r.classes[kept++] = 0;
  }
  return kept;
};
