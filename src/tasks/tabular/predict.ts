import { RocketError } from '../../errors.js';
import { labelOf } from '../../rocket/labels.js';
import type { TabularRocketSpec } from '../../rocket/types.js';
import { isDistribution } from '../classify/postprocess.js';
import type { RunTensors } from '../types.js';

/** One row's answer: what the model's outputs give (label and class, probabilities, value). */
export interface TabularPrediction {
  label?: string;
  class?: number;
  probabilities?: number[];
  value?: number | number[];
}

/**
 * Runs rows through a tabular rocket as one float32 `[N, F]` tensor, fetching only its tensor
 * outputs (so scikit-learn's ZipMap, which onnxruntime-node cannot return, is never asked for),
 * and reads each output by its role.
 */
export async function predictRows(
  spec: TabularRocketSpec,
  rows: number[][],
  run: RunTensors,
): Promise<{ predictions: TabularPrediction[]; inferenceMs: number }> {
  if (rows.length === 0) throw new RocketError('MISSING_INPUT', 'Send at least one row of features');
  const f = spec.tabular.features ?? (rows[0] as number[]).length;
  const data = new Float32Array(rows.length * f);
  rows.forEach((row, i) => {
    if (row.length !== f) {
      throw new RocketError(
        'INVALID_INPUT',
        `Row ${i} has ${row.length} values; the model takes ${f} features`,
      );
    }
    data.set(row, i * f);
  });
  const started = performance.now();
  const outputs = await run(
    { [spec.inputName]: { type: 'float32', dims: [rows.length, f], data } },
    spec.tabular.outputs.map((o) => o.name),
  );
  const inferenceMs = performance.now() - started;
  const predictions: TabularPrediction[] = rows.map(() => ({}));
  const setClass = (p: TabularPrediction, cls: number) => {
    p.class = cls;
    p.label = labelOf(spec.labels, cls);
  };
  for (const { name, role } of spec.tabular.outputs) {
    const tensor = outputs[name];
    if (!tensor || !ArrayBuffer.isView(tensor.data)) continue;
    const values = Array.from(tensor.data as unknown as ArrayLike<number | bigint>, Number);
    const per = values.length / rows.length;
    predictions.forEach((p, i) => {
      const slice = values.slice(i * per, (i + 1) * per);
      if (role === 'label') {
        setClass(p, slice[0] as number);
      } else if (slice.length > 1 && isDistribution(slice)) {
        p.probabilities = slice.map((v) => Math.round(v * 1e6) / 1e6);
      } else {
        const values32 = slice.map(float32Digits);
        p.value = values32.length === 1 ? (values32[0] as number) : values32;
      }
    });
  }
  const hasLabel = spec.tabular.outputs.some((o) => o.role === 'label');
  for (const p of predictions) {
    if (hasLabel || !p.probabilities) continue;
    setClass(p, p.probabilities.indexOf(Math.max(...p.probabilities)));
  }
  return { predictions, inferenceMs };
}

/** A float32 value without the binary noise of widening it: 7 significant digits (199.57, not 199.5700073). */
const float32Digits = (v: number): number => Number(v.toPrecision(7));
