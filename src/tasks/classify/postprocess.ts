import type { Job } from '../../inference/messages.js';
import type { Kernels } from '../../kernels/types.js';
import { labelOf } from '../../rocket/labels.js';
import type { ImageRocketSpec } from '../../rocket/types.js';
import { chooseFormat, outputInvalid, shownValue } from '../validate.js';
import type { ClassifyFormat } from './family.js';
import type { Prediction } from './schema.js';

/**
 * Turns one row of class scores into the top-k predictions. Logits get a softmax; rows that are
 * already probabilities (format `probabilities`, or `auto` when values lie in [0, 1] and sum to 1
 * within 1e-3) are used as they are. Predictions below the confidence threshold are dropped,
 * except that the top-1 is always returned.
 * @throws RocketError OUTPUT_INVALID when a `probabilities` row holds a value outside [0, 1]
 * (softmax and `auto` always give values in [0, 1]).
 */
export function classifyRow(
  row: Float32Array,
  spec: ImageRocketSpec,
  format: ClassifyFormat,
  job: Job,
  kernels: Kernels,
): Prediction[] {
  if (format === 'probabilities') {
    const bad = row.findIndex((v) => !(v >= 0 && v <= 1));
    if (bad >= 0) {
      throw outputInvalid(
        spec,
        `a probability of ${shownValue(row[bad] as number)} for class ${bad}`,
        chooseFormat('logits'),
      );
    }
  }
  const probabilities =
    format === 'probabilities' || (format === 'auto' && isDistribution(row))
      ? row
      : new Float32Array(row.length);
  if (probabilities !== row) kernels.softmax(row, probabilities);
  const k = Math.min(job.thresholds.topk, row.length);
  const indices = new Int32Array(k);
  const n = kernels.topK(probabilities, k, indices);
  const predictions: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    const cls = indices[i] as number;
    const confidence = probabilities[cls] as number;
    if (i > 0 && confidence < job.thresholds.confidence) break;
    predictions.push({
      label: labelOf(spec.labels, cls),
      class: cls,
      confidence: Math.round(confidence * 1e4) / 1e4,
    });
  }
  return predictions;
}

/** True when the values lie in [0, 1] and sum to 1 within 1e-3: already probabilities. */
export function isDistribution(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v > 1) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
}
