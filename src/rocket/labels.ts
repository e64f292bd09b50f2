import { readFileSync } from 'node:fs';
import { RocketError } from '../errors.js';

/**
 * Parses the `names` metadata an Ultralytics export writes: a Python dict literal such as
 * `{0: 'person', 1: 'bicycle'}`. Returns labels in index order, or undefined if it is not one.
 */
export function parseUltralyticsNames(text: string | undefined): string[] | undefined {
  if (!text?.trim().startsWith('{')) return undefined;
  const labels: string[] = [];
  for (const match of text.matchAll(/(\d+)\s*:\s*(['"])((?:\\.|(?!\2).)*)\2/g)) {
    labels[Number(match[1])] = (match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return labels.length > 0 ? Array.from(labels, (l, i) => l ?? String(i)) : undefined;
}

/**
 * Reads a labels file: a JSON array of strings, or text with one label per line. A line that starts
 * with a WordNet id (`n01440764 tench, Tinca tinca`) keeps the first name after the id.
 */
export function readLabelsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RocketError('ROCKET_INVALID', `Cannot read labels file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text.trimStart().startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) {
      throw new RocketError('ROCKET_INVALID', `Labels file ${path} must be a JSON array of strings`);
    }
    return parsed;
  }
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const synset = /^n\d{8}\s+([^,]+)/.exec(line.trim());
      return (synset?.[1] ?? line).trim();
    });
}

/**
 * Reads a tabular mapping file: a JSON array of client field names in the model's feature order,
 * or an object mapping each field name to its feature index. Returns names in feature order.
 */
export function readMappingFile(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RocketError('ROCKET_INVALID', `Cannot read mapping file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (Array.isArray(parsed) && parsed.every((n) => typeof n === 'string')) return parsed;
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const entries = Object.entries(parsed);
    const names: string[] = [];
    for (const [name, index] of entries) {
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= entries.length) {
        throw new RocketError(
          'ROCKET_INVALID',
          `Mapping file ${path}: index of "${name}" must be 0..${entries.length - 1}`,
        );
      }
      names[index as number] = name;
    }
    if (names.filter(Boolean).length === entries.length) return names;
  }
  throw new RocketError(
    'ROCKET_INVALID',
    `Mapping file ${path} must be a JSON array of field names, or an object of field name → feature index`,
  );
}

/** The label of class `cls`, or its number when the rocket has no label for it. */
export const labelOf = (labels: readonly string[], cls: number): string => labels[cls] ?? String(cls);
