import { CsvError, parse } from 'csv-parse/sync';
import { RocketError } from '../errors.js';
import type { TabularSpec } from '../rocket/types.js';

const bad = (message: string) => new RocketError('INVALID_INPUT', message);

function toNumber(value: unknown, where: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(n)) throw bad(`Expected a number for ${where} but received ${JSON.stringify(value)}`);
  return n;
}

/** A row given as an object of named fields, ordered by the rocket's mapping. */
function namedRow(row: Record<string, unknown>, tab: TabularSpec, where: string): number[] {
  const names = tab.featureNames;
  if (!names)
    throw bad(
      `${where} has named fields, but this rocket has no mapping file; send arrays of ${tab.features} numbers`,
    );
  const unknown = Object.keys(row).filter((k) => !names.includes(k));
  if (unknown.length > 0)
    throw bad(`${where} has unknown field(s) ${unknown.join(', ')}; expected ${names.join(', ')}`);
  return names.map((name) => {
    if (!(name in row)) throw bad(`${where} lacks field ${name}`);
    return toNumber(row[name], `${where}.${name}`);
  });
}

/**
 * Rows from a JSON body `{"inputs": [[5.1, 3.5, 1.4, 0.2], …]}`; with a mapping file, rows may
 * also be objects of named fields (`{"inputs": [{"sepal_length": 5.1, …}]}`).
 */
export function rowsFromJson(body: unknown, tab: TabularSpec): number[][] {
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  if (!Array.isArray(inputs)) throw bad('Expected a JSON body {"inputs": [[...], ...]}');
  return inputs.map((row, i) => {
    if (Array.isArray(row)) return row.map((v, j) => toNumber(v, `inputs[${i}][${j}]`));
    if (row && typeof row === 'object') return namedRow(row as Record<string, unknown>, tab, `inputs[${i}]`);
    throw bad(`Expected an array or an object for inputs[${i}] but received ${JSON.stringify(row)}`);
  });
}

/**
 * The cells of CSV text (RFC 4180, by csv-parse): quoted fields may hold commas, doubled quotes
 * and line breaks; a UTF-8 BOM, blank lines and lines starting with `#` are skipped; cells are
 * trimmed. Rows may differ in width (checked later, against the model).
 */
/** How rows are read from CSV: a BOM, `#` comment lines and blank lines skipped, cells trimmed. */
export const CSV_OPTIONS = {
  bom: true,
  comment: '#',
  comment_no_infix: true,
  skip_empty_lines: true,
  trim: true,
  relax_column_count: true,
} as const;

function csvCells(text: string): string[][] {
  try {
    return parse(text, CSV_OPTIONS);
  } catch (err) {
    if (err instanceof CsvError) throw bad(`Cannot read the CSV: ${err.message}`);
    throw err;
  }
}

/**
 * Rows from CSV text. Three layouts: scikit-learn's dataset files (a first line
 * `n_samples,n_features,class names…`, then rows whose first n_features columns are the
 * features and the rest the target, which is ignored); a header of field names (mapped through
 * the rocket's mapping); or bare rows of numbers. Errors name the row (1 = the first record,
 * header included; skipped lines are not counted) and the column (from 1).
 */
export function rowsFromCsv(text: string, tab: TabularSpec): number[][] {
  const cells = csvCells(text);
  const [first = []] = cells;
  const numeric = first.every((c) => c !== '' && Number.isFinite(Number(c)));
  const sklearn = /^\d+$/.test(first[0] ?? '') && /^\d+$/.test(first[1] ?? '') && !numeric;
  if (sklearn) {
    const features = Number(first[1]);
    if (features !== tab.features)
      throw bad(`The CSV has ${features} features; the model takes ${tab.features}`);
    return cells
      .slice(1)
      .map((row, i) => row.slice(0, features).map((v, j) => toNumber(v, `row ${i + 2} column ${j + 1}`)));
  }
  if (!numeric) {
    return cells.slice(1).map((row, i) => {
      const named = Object.fromEntries(first.map((name, j) => [name, row[j]]));
      return namedRow(named, tab, `row ${i + 2}`);
    });
  }
  return cells.map((row, i) => row.map((v, j) => toNumber(v, `row ${i + 1} column ${j + 1}`)));
}

/** One row from query parameters named after the rocket's mapped fields (`?f=0.05`). */
export function rowFromQuery(search: URLSearchParams, tab: TabularSpec): number[] {
  const names = tab.featureNames;
  if (!names)
    throw bad('This rocket has no mapping file, so its features cannot be named in the query string');
  const row: Record<string, string> = {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name);
    if (values.length > 1)
      throw new RocketError('INVALID_PARAMETER', `Query parameter ${name} is given ${values.length} times`);
    row[name] = values[0] as string;
  }
  return namedRow(row, tab, 'the query string');
}
