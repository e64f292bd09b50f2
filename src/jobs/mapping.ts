import { CsvError, parse } from 'csv-parse/sync';
import { expected, RocketError } from '../errors.js';
import type { TabularSpec } from '../rocket/types.js';
import { CSV_OPTIONS, rowsFromCsv, rowsFromJson } from '../tabular/rows.js';

const bad = (message: string) => new RocketError('INVALID_INPUT', message);

/**
 * Reads a job's mapping file: a JSON object naming, for each field of the client's upload, the
 * rocket feature it holds: `{"Sepal Length (cm)": "sepal_length", …}` (a feature name of the
 * rocket's own mapping) or `{"SL": 0, …}` (a feature index, 0-based, for rockets without one).
 * Every feature must be given exactly once. Returns the client's field name of each feature, in
 * the model's feature order.
 * @throws RocketError INVALID_INPUT naming what is wrong
 */
export function parseFieldMapping(bytes: Buffer, tab: TabularSpec): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw bad(`The mapping file is not JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw bad(expected('a JSON object {"their field": "feature"}', 'the mapping file', parsed));
  }
  const entries = Object.entries(parsed);
  const width = tab.features ?? tab.featureNames?.length ?? entries.length;
  const fieldOf: string[] = [];
  for (const [field, target] of entries) {
    const index = featureIndex(target, tab, width, field);
    if (fieldOf[index] !== undefined) {
      throw bad(
        `The mapping gives feature ${featureName(index, tab)} twice: "${fieldOf[index]}" and "${field}"`,
      );
    }
    fieldOf[index] = field;
  }
  for (let i = 0; i < width; i++) {
    if (fieldOf[i] === undefined) throw bad(`The mapping gives no field for feature ${featureName(i, tab)}`);
  }
  return fieldOf;
}

/** A feature as messages name it: its name (and index) when the rocket names it, else its index. */
const featureName = (index: number, tab: TabularSpec) =>
  tab.featureNames?.[index] !== undefined ? `"${tab.featureNames[index]}" (${index})` : String(index);

/** The feature index a mapping target names: one of the rocket's feature names, or an index. */
function featureIndex(target: unknown, tab: TabularSpec, width: number, field: string): number {
  if (typeof target === 'string') {
    const names = tab.featureNames;
    if (!names) {
      throw bad(
        `The mapping names feature "${target}" for "${field}", but this rocket names no features: map each field to a feature index, 0 to ${width - 1}`,
      );
    }
    const index = names.indexOf(target);
    if (index < 0) throw bad(expected(`one of ${names.join(', ')}`, `the feature of "${field}"`, target));
    return index;
  }
  if (Number.isInteger(target) && (target as number) >= 0 && (target as number) < width)
    return target as number;
  const names = tab.featureNames ? `a feature name or ` : '';
  throw bad(expected(`${names}a feature index from 0 to ${width - 1}`, `the feature of "${field}"`, target));
}

/**
 * Applies a mapping (the client field of each feature, from {@link parseFieldMapping}) to a
 * tabular upload: a CSV with a header of the client's fields, or JSON rows of objects with them.
 * The upload is read by /process's own readers, with the client's names as the features, so its
 * errors (a missing or unknown field, a value that is not a number) name the row and the field.
 * Returns the rows in the model's feature order: a body POST /process takes as it is.
 */
export function applyFieldMapping(
  upload: { data: Buffer; json: boolean },
  fieldOf: string[],
  tab: TabularSpec,
): { inputs: number[][] } {
  const renamed: TabularSpec = { ...tab, features: fieldOf.length, featureNames: fieldOf };
  if (!upload.json) {
    const text = upload.data.toString('utf8');
    const header = new Set(firstRecord(text));
    const lacking = fieldOf.filter((field) => !header.has(field));
    if (lacking.length > 0) {
      throw bad(
        `The CSV's first row must be a header with the fields the mapping names; it lacks ${lacking.map((f) => `"${f}"`).join(', ')}`,
      );
    }
    return { inputs: rowsFromCsv(text, renamed) };
  }
  let body: unknown;
  try {
    body = JSON.parse(upload.data.toString('utf8'));
  } catch (err) {
    throw bad(`The body is not valid JSON: ${(err as Error).message}`);
  }
  return { inputs: rowsFromJson(body, renamed) };
}

/** The first record of CSV text, read as src/tabular/rows.ts reads CSV (BOM, `#` comments and blank lines skipped). */
function firstRecord(text: string): string[] {
  try {
    const [first = []] = parse(text, { ...CSV_OPTIONS, to: 1 }) as string[][];
    return first;
  } catch (err) {
    if (err instanceof CsvError) throw bad(`Cannot read the CSV: ${err.message}`);
    throw err;
  }
}
