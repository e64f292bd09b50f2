import { z } from 'zod';
import { expected, RocketError } from '../errors.js';
import type { Thresholds } from '../rocket/types.js';
import { FAMILIES } from '../tasks/registry.js';

const fraction = z.coerce.number().min(0).max(1);

/** One query parameter: its schema, what it expects in words (for errors) and its documentation. */
interface QueryParam<T> {
  schema: z.ZodType<T, unknown>;
  what: string;
  doc: string;
}

type QueryTable = Record<string, QueryParam<unknown>>;
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

/**
 * What POST /process answers with: JSON; for detect rockets `image`, the JPEG with its boxes
 * drawn; for image-to-image rockets `png`, `jpeg` or `webp` (default: from Accept, else PNG).
 */
/** `json`, and every format some family renders (`image`: the photo annotated; png, jpeg, webp: a produced image). */
const RESPONSE_FORMATS = [
  'json',
  ...new Set(FAMILIES.flatMap((f) => (f.input === 'image' ? Object.keys(f.renderers) : []))),
] as [string, ...string[]];
export type ResponseFormat = string;

/** Query parameters of POST /process: the thresholds, and the response format. */
export const processQuery = {
  ...thresholdQuery,
  format: {
    schema: z.enum(RESPONSE_FORMATS),
    what: `one of ${RESPONSE_FORMATS.join(', ')}`,
    doc: 'json (default; image-to-image rockets default to their image), image: the JPEG with the detections drawn (detect), png, jpeg or webp (image-to-image).',
  },
} as const satisfies QueryTable;

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

/** Validates the query string of POST /process: threshold overrides and the response format. */
export function parseProcessParams(search: URLSearchParams): {
  thresholds: Partial<Thresholds>;
  format?: ResponseFormat;
} {
  const { format, ...thresholds } = parseQuery(search, processQuery);
  return { thresholds, format };
}
