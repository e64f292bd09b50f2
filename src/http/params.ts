import { z } from 'zod';
import { expected, RocketError } from '../errors.js';
import type { Thresholds } from '../rocket/types.js';

const fraction = z.coerce.number().min(0).max(1);

/** Query parameters of POST /process. Each overrides the rocket's default threshold. */
export const processQuery = {
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
} as const;

type ProcessQuery = { -readonly [K in keyof typeof processQuery]?: number };

/**
 * Validates the query string of /process: unknown names, repeated names and out-of-range values
 * each give a 400 naming the parameter. Returns the threshold overrides.
 */
export function parseProcessQuery(search: URLSearchParams): Partial<Thresholds> {
  const out: ProcessQuery = {};
  for (const name of new Set(search.keys())) {
    if (!Object.hasOwn(processQuery, name)) {
      throw new RocketError(
        'UNKNOWN_PARAMETER',
        `Unknown query parameter "${name}"; accepted: ${Object.keys(processQuery).join(', ')}`,
      );
    }
    const key = name as keyof typeof processQuery;
    const values = search.getAll(name);
    const raw = values[0] ?? '';
    const parsed = processQuery[key].schema.safeParse(raw.trim() === '' ? Number.NaN : raw);
    if (values.length > 1 || !parsed.success) {
      throw new RocketError(
        'INVALID_PARAMETER',
        expected(processQuery[key].what, name, values.length > 1 ? values : raw),
      );
    }
    out[key] = parsed.data;
  }
  return out;
}
