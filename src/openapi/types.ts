import type { z } from 'zod';

/** A JSON Schema object, as it goes into the OpenAPI document. */
export type JsonSchema = Record<string, unknown>;

/**
 * A body's schema: a zod schema registered in src/openapi/components.ts (it becomes a
 * `$ref` to `#/components/schemas/<id>`), or a plain JSON Schema (files, images, text).
 */
export type ContentSchema = z.ZodType | JsonSchema;

/** Media type → schema. */
export type Content = Record<string, ContentSchema>;

/** One documented response. */
export interface ResponseDoc {
  description: string;
  content?: Content;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

/** A query parameter: the zod schema that validates it, and its text (src/http/params.ts's tables fit). */
export interface QueryDoc {
  schema: z.ZodType;
  doc: string;
}

/** The documentation of one route, keyed in ROUTE_DOCS by `"METHOD /path"` (the Route's own path). */
export interface OperationDoc {
  summary: string;
  description?: string;
  tags: string[];
  /** Path parameters (`{name}` in the path) → description. */
  pathParams?: Record<string, string>;
  query?: Record<string, QueryDoc>;
  /** Free-form query parameters (one per tabular feature, say), documented as one object. */
  freeQuery?: { name: string; doc: string; values: JsonSchema };
  headers?: Record<string, { doc: string; schema: JsonSchema }>;
  requestBody?: { description?: string; required: boolean; content: Content };
  responses: Record<string, ResponseDoc>;
}

/** Route docs by `"METHOD /path"`. */
export type RouteDocs = Record<string, OperationDoc>;
