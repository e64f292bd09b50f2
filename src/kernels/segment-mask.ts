/**
 * Reference {@link Kernels.segmentMask}: one YOLOv8-seg instance mask, sampled at the pixels of a
 * region of the model input. Mirrored by native/src/segment_mask.cc.
 *
 * Only the prototype pixels that the box's bilinear samples read are computed (a patch, kept in a
 * scratch buffer reused from call to call): sigmoid(Σₖ coefficients[k] · protos[k]) in float64, the
 * sum in k order, rounded once to float32. Each pixel of the region is 0 when its centre is outside
 * the box and otherwise samples the patch there bilinearly in float64:
 * (1 − fy)((1 − fx) p00 + fx p01) + fy((1 − fx) p10 + fx p11), 1 when above 0.5.
 */
import {
  array,
  atLeast,
  entries,
  exactly,
  isFiniteNumber,
  object,
  positive,
  region,
  typed,
} from './checks.js';
import type { Kernels } from './types.js';

/** The sigmoid mask at prototype resolution, reused (grown when too small) by every call. */
let patch = new Float32Array(0);

/**
 * The pixels along one axis of the region whose centres fall inside the box, [first, end), and for
 * each the two prototype rows (or columns) it reads and the weight of the second:
 * proto = clamp(position × protoSize / inputSize − 0.5, 0, protoSize − 1), as a bilinear resize with
 * align_corners = false.
 */
interface Axis {
  first: number;
  end: number;
  lo: Int32Array;
  hi: Int32Array;
  weight: Float64Array;
}

/**
 * The {@link Axis} of `length` region pixels starting at input pixel `start`: centre
 * position start + i + 0.5, inside when boxLo ≤ position < boxHi (so the pixels inside are
 * consecutive).
 */
function axis(
  start: number,
  length: number,
  boxLo: number,
  boxHi: number,
  protoSize: number,
  inputSize: number,
): Axis {
  const position = (i: number) => start + i + 0.5;
  let first = 0;
  while (first < length && !(position(first) >= boxLo)) first++;
  let end = first;
  while (end < length && position(end) < boxHi) end++;
  const ratio = protoSize / inputSize;
  const last = protoSize - 1;
  const lo = new Int32Array(end - first);
  const hi = new Int32Array(end - first);
  const weight = new Float64Array(end - first);
  for (let i = first; i < end; i++) {
    const raw = position(i) * ratio - 0.5;
    const p = raw < 0 ? 0 : raw > last ? last : raw;
    const floor = Math.floor(p);
    lo[i - first] = floor;
    hi[i - first] = floor < last ? floor + 1 : last;
    weight[i - first] = p - floor;
  }
  return { first, end, lo, hi, weight };
}

/** Reference {@link Kernels.segmentMask}, as the module comment describes it. */
export const segmentMask: Kernels['segmentMask'] = (protos, coefficients, options, out) => {
  const p = typed<Float32Array>(protos, 'a Float32Array', 'protos');
  const coef = typed<Float32Array>(coefficients, 'a Float32Array', 'coefficients');
  const o = object(options, 'options');
  const mask = typed<Uint8Array>(out, 'a Uint8Array', 'out');
  const m = positive(o, 'options', 'numMasks');
  const pw = positive(o, 'options', 'protoWidth');
  const ph = positive(o, 'options', 'protoHeight');
  const iw = positive(o, 'options', 'inputWidth');
  const ih = positive(o, 'options', 'inputHeight');
  const boxList = array(o.box, 'options.box');
  exactly(boxList.length, 4, 'entries', 'options.box');
  const [x1, y1, x2, y2] = entries(boxList, 'options.box', 'a finite number', isFiniteNumber);
  const { x: regionX, y: regionY, width: rw, height: rh } = region(o);
  const plane = pw * ph;
  atLeast(p.length, m * plane, 'floats (numMasks * protoHeight * protoWidth)', 'protos.length');
  atLeast(coef.length, m, 'floats (numMasks)', 'coefficients.length');
  atLeast(mask.length, rw * rh, 'bytes (regionWidth * regionHeight)', 'out.length');

  mask.fill(0, 0, rw * rh);
  const cols = axis(regionX, rw, x1, x2, pw, iw);
  const rows = axis(regionY, rh, y1, y2, ph, ih);
  if (cols.first === cols.end || rows.first === rows.end) return 0;

  // The patch spans the prototype pixels read by the first and the last pixel inside the box.
  const [c0, r0] = [cols.lo[0], rows.lo[0]];
  const patchWidth = cols.hi[cols.hi.length - 1] - c0 + 1;
  const patchHeight = rows.hi[rows.hi.length - 1] - r0 + 1;
  if (patch.length < patchWidth * patchHeight) patch = new Float32Array(patchWidth * patchHeight);
  for (let r = 0; r < patchHeight; r++) {
    for (let c = 0; c < patchWidth; c++) {
      const at = (r0 + r) * pw + c0 + c;
      let dot = 0;
      for (let k = 0; k < m; k++) dot += coef[k] * p[k * plane + at];
      patch[r * patchWidth + c] = 1 / (1 + Math.exp(-dot));
    }
  }

  let area = 0;
  for (let y = rows.first; y < rows.end; y++) {
    const fy = rows.weight[y - rows.first];
    const top = (rows.lo[y - rows.first] - r0) * patchWidth - c0;
    const bottom = (rows.hi[y - rows.first] - r0) * patchWidth - c0;
    const row = y * rw;
    for (let x = cols.first; x < cols.end; x++) {
      const fx = cols.weight[x - cols.first];
      const [left, right] = [cols.lo[x - cols.first], cols.hi[x - cols.first]];
      const upper = (1 - fx) * patch[top + left] + fx * patch[top + right];
      const lower = (1 - fx) * patch[bottom + left] + fx * patch[bottom + right];
      if ((1 - fy) * upper + fy * lower > 0.5) {
        mask[row + x] = 1;
        area++;
      }
    }
  }
  return area;
};
