/** The tabular family's worker side (loaded by task name in inference workers; see src/tasks/types.ts). */
import type { TabularRocketSpec } from '../../rocket/types.js';
import type { RunTensors, TaskFields } from '../types.js';
import { predictRows } from './predict.js';

/** Runs rows through the model; the response fields are one prediction per row. */
export async function predict(
  spec: TabularRocketSpec,
  rows: number[][],
  run: RunTensors,
): Promise<{ fields: TaskFields; inferenceMs: number }> {
  const { predictions, inferenceMs } = await predictRows(spec, rows, run);
  return { fields: { predictions }, inferenceMs };
}
