import { z } from 'zod';
import type { Route } from '../http/route.js';
import { packageVersion } from '../package.js';
import { requestSchemas, responseSchemas } from './components.js';
import { coreDocs } from './docs-core.js';
import { jobsDocs } from './docs-jobs.js';
import { v2Docs } from './docs-v2.js';
import { webDocs } from './docs-web.js';
import type { Content, JsonSchema, OperationDoc, RouteDocs } from './types.js';

/**
 * Every route's documentation, keyed `"METHOD /path"`: add an entry when you add a route. The jobs'
 * come last: they add `Prefer: respond-async` to POST /process's.
 */
export const ROUTE_DOCS: RouteDocs = { ...coreDocs, ...v2Docs, ...webDocs, ...jobsDocs };

const key = (r: Route) => `${r.method} ${r.path}`;
const REF = (id: string) => `#/components/schemas/${id}`;

/** Routes without documentation, and documentation for routes that are not served. */
export function coverage(routes: readonly Route[], docs: RouteDocs = ROUTE_DOCS) {
  const served = new Set(routes.map(key));
  return {
    undocumented: [...served].filter((k) => !Object.hasOwn(docs, k)),
    unserved: Object.keys(docs).filter((k) => !served.has(k)),
  };
}

/** A JSON Schema without the keywords that only belong at a document's root. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function componentSchemas(): Record<string, JsonSchema> {
  const requests = z.toJSONSchema(requestSchemas, { io: 'input', uri: REF }).schemas;
  const responses = z.toJSONSchema(responseSchemas, { io: 'output', uri: REF }).schemas;
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of [...Object.entries(requests), ...Object.entries(responses)]) {
    if (Object.hasOwn(out, id)) throw new Error(`OpenAPI: schema id ${id} is registered twice`);
    out[id] = bare(schema as JsonSchema);
  }
  return out;
}

function schemaRef(schema: Content[string], where: string): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const id = requestSchemas.get(schema)?.id ?? responseSchemas.get(schema)?.id;
  if (!id) throw new Error(`OpenAPI: a schema of ${where} is not registered in src/openapi/components.ts`);
  return { $ref: REF(id) };
}

const content = (c: Content, where: string) =>
  Object.fromEntries(Object.entries(c).map(([type, s]) => [type, { schema: schemaRef(s, where) }]));

function parameters(route: Route, doc: OperationDoc): JsonSchema[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const path = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    description: doc.pathParams?.[name] ?? name,
    schema: { type: 'string' },
  }));
  const query = Object.entries(doc.query ?? {}).map(([name, q]) => ({
    name,
    in: 'query',
    required: false,
    description: q.doc,
    schema: bare(z.toJSONSchema(q.schema, { io: 'input' }) as JsonSchema),
  }));
  const free = doc.freeQuery
    ? [
        {
          name: doc.freeQuery.name,
          in: 'query',
          description: doc.freeQuery.doc,
          style: 'form',
          explode: true,
          schema: { type: 'object', additionalProperties: doc.freeQuery.values },
        },
      ]
    : [];
  const headers = Object.entries(doc.headers ?? {}).map(([name, h]) => ({
    name,
    in: 'header',
    required: false,
    description: h.doc,
    schema: h.schema,
  }));
  return [...path, ...query, ...free, ...headers];
}

function operation(route: Route, doc: OperationDoc): JsonSchema {
  const where = key(route);
  const responses = Object.fromEntries(
    Object.entries(doc.responses).map(([status, r]) => [
      status,
      {
        description: r.description,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.content ? { content: content(r.content, where) } : {}),
      },
    ]),
  );
  const params = parameters(route, doc);
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch?: string) => (ch ?? '').toUpperCase()) || 'Root'}`,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    ...(params.length ? { parameters: params } : {}),
    ...(doc.requestBody
      ? { requestBody: { ...doc.requestBody, content: content(doc.requestBody.content, where) } }
      : {}),
    responses,
    // Probes never need the key; the rest need it when API_KEY is set.
    security: route.kind === 'probe' ? [] : [{ bearer: [] }, { apiKey: [] }],
  };
}

/**
 * The OpenAPI 3.1 document of `routes`. Throws, naming them, when a route has no entry in
 * {@link ROUTE_DOCS} or an entry names a route that is not served: docs and routes stay in step.
 */
export function buildOpenApi(routes: readonly Route[], docs: RouteDocs = ROUTE_DOCS): JsonSchema {
  const { undocumented, unserved } = coverage(routes, docs);
  if (undocumented.length || unserved.length) {
    throw new Error(
      `OpenAPI: ${undocumented.length ? `routes without docs (add them to src/openapi, keyed "METHOD /path"): ${undocumented.join(', ')}. ` : ''}${unserved.length ? `docs for routes not served: ${unserved.join(', ')}.` : ''}`.trim(),
    );
  }
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = operation(
      route,
      docs[key(route)] as OperationDoc,
    );
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'rocketserve',
      version: packageVersion(),
      description:
        'An ONNX model (a rocket) served over HTTP: /process, the Open Inference Protocol (v2) and health. ' +
        'When API_KEY is set, every route but the probes needs `Authorization: Bearer KEY` or `X-API-Key: KEY`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
