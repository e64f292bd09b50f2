import { z } from 'zod';
import { expected, RocketError } from '../errors.js';
import type { Thresholds } from '../rocket/types.js';
import { FAMILIES } from '../tasks/registry.js';
import type { FamilyOptions, TaskFamily } from '../tasks/types.js';

const fraction = z.coerce.number().min(0).max(1);

/** One query parameter: its schema, what it expects in words (for errors) and its documentation. */
export interface QueryParam<T> {
  schema: z.ZodType<T, unknown>;
  what: string;
  doc: string;
}

export type QueryTable = Record<string, QueryParam<unknown>>;
type QueryValues<T extends QueryTable> = {
  -readonly [K in keyof T]?: T[K] extends QueryParam<infer V> ? V : never;
};

/** The threshold parameters: each overrides the rocket's default. */
const thresholdQuery = {
  confidence: {
    schema: fraction,
    what: 'a number from 0 to 1',
    doc: 'Minimum confidence of a detection or prediction.',
  },
  iou: { schema: fraction, what: 'a number from 0 to 1', doc: 'NMS IoU threshold (detect).' },
  topk: {
    schema: z.coerce.number().int().min(1).max(1000),
    what: 'an integer from 1 to 1000',
    doc: 'Predictions returned (classify).',
  },
  maxDetections: {
    schema: z.coerce.number().int().min(1).max(10000),
    what: 'an integer from 1 to 10000',
    doc: 'Maximum detections returned (detect).',
  },
} as const satisfies QueryTable;

/** `json`, and every format some family renders (`image`: the photo annotated; png, jpeg, webp: a produced image). */
const RESPONSE_FORMATS = [
  'json',
  ...new Set(FAMILIES.flatMap((f) => (f.input === 'image' ? Object.keys(f.renderers) : []))),
] as [string, ...string[]];
export type ResponseFormat = string;

const formatParam = {
  schema: z.enum(RESPONSE_FORMATS),
  what: `one of ${RESPONSE_FORMATS.join(', ')}`,
  doc: "json (default; image-to-image rockets default to their image), or one of the family's renderings: image (the photo with its results drawn), mask (semantic: the class map as a PNG), png, jpeg or webp (image-to-image).",
} as const;

/** The family parameters of every family, each documented with the tasks that take it (OpenAPI). */
function everyFamilyParam(): QueryTable {
  const table: QueryTable = {};
  for (const family of FAMILIES) {
    for (const [name, param] of Object.entries(family.query ?? {})) {
      const tasks = FAMILIES.filter((f) => f.query && Object.hasOwn(f.query, name)).map((f) => f.task);
      table[name] = { ...param, doc: `${param.doc} (${tasks.join(', ')})` };
    }
  }
  return table;
}

/** Query parameters of POST /process for any rocket: the thresholds, the format and every family's own. */
export const processQuery = { ...thresholdQuery, format: formatParam, ...everyFamilyParam() };

/**
 * Validates a query string against `table`: unknown names, repeated names and bad values each
 * give a 400 naming the parameter ("Expected … for … but received …").
 */
function parseQuery<T extends QueryTable>(search: URLSearchParams, table: T): QueryValues<T> {
  const out: Record<string, unknown> = {};
  for (const name of new Set(search.keys())) {
    if (!Object.hasOwn(table, name)) {
      throw new RocketError(
        'UNKNOWN_PARAMETER',
        `Unknown query parameter "${name}"; accepted: ${Object.keys(table).join(', ')}`,
      );
    }
    const param = table[name] as QueryParam<unknown>;
    const values = search.getAll(name);
    const raw = values[0] ?? '';
    const parsed = param.schema.safeParse(raw.trim() === '' ? Number.NaN : raw);
    if (values.length > 1 || !parsed.success) {
      throw new RocketError(
        'INVALID_PARAMETER',
        expected(param.what, name, values.length > 1 ? values : raw),
      );
    }
    out[name] = parsed.data;
  }
  return out as QueryValues<T>;
}

/** Validates threshold-only query strings (routes without `format`); returns the overrides. */
export function parseProcessQuery(search: URLSearchParams): Partial<Thresholds> {
  return parseQuery(search, thresholdQuery);
}

/** What a POST /process query string asks for. */
export interface ProcessParams {
  thresholds: Partial<Thresholds>;
  format?: ResponseFormat;
  /** The family's own parameters (e.g. `masks`), validated. */
  options: FamilyOptions;
}

/**
 * Validates the query string of POST /process for a rocket of `family`: threshold overrides, the
 * response format and the family's own parameters. Another family's parameter is unknown here.
 */
export function parseProcessParams(search: URLSearchParams, family?: TaskFamily): ProcessParams {
  const own = family?.query ?? {};
  const { format, ...rest } = parseQuery(search, { ...thresholdQuery, format: formatParam, ...own });
  const thresholds: Record<string, unknown> = {};
  const options: FamilyOptions = {};
  for (const [name, value] of Object.entries(rest)) {
    if (Object.hasOwn(own, name)) options[name] = value;
    else thresholds[name] = value;
  }
  return {
    thresholds: thresholds as Partial<Thresholds>,
    format: format as ResponseFormat | undefined,
    options,
  };
}
