import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { processQuery } from '../../src/http/params.js';
import type { Route } from '../../src/http/route.js';
import { ROUTES } from '../../src/http/routes/index.js';
import { jobJson } from '../../src/jobs/job-json.js';
import { buildOpenApi, coverage, ROUTE_DOCS } from '../../src/openapi/document.js';
import { componentValidator } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is navigated freely
const doc: any = buildOpenApi(ROUTES);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents exactly the served routes: every route in ROUTES, and nothing else', () => {
    expect(coverage(ROUTES)).toEqual({ undocumented: [], unserved: [] });
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('fails loudly, naming them, when a route has no docs or docs name a missing route', () => {
    const added: Route = { method: 'GET', path: '/new-thing', kind: 'cheap', handler: () => {} };
    expect(() => buildOpenApi([...ROUTES, added])).toThrow(/routes without docs .*: GET \/new-thing/);
    expect(() => buildOpenApi(ROUTES.filter((r) => r.path !== '/metrics'))).toThrow(
      /docs for routes not served: GET \/metrics/,
    );
    expect(Object.keys(ROUTE_DOCS)).toContain('GET /metrics');
  });

  it('documents /process query parameters from the schemas that validate them', () => {
    const params = doc.paths['/process'].post.parameters.filter((p: { in: string }) => p.in === 'query');
    expect(params.map((p: { name: string }) => p.name)).toEqual(Object.keys(processQuery));
    const byName = Object.fromEntries(params.map((p: { name: string }) => [p.name, p]));
    expect(byName.confidence.schema).toEqual({ type: 'number', minimum: 0, maximum: 1 });
    expect(byName.topk.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(byName.format.schema.enum).toEqual([...processQuery.format.schema.options]);
    // Values the validation accepts are the values the document allows, and the other way round.
    const ajv = new Ajv2020.default({ strict: false });
    for (const [name, values] of Object.entries({
      confidence: [0, 0.5, 1, 1.5, -0.1],
      topk: [1, 1000, 0, 2.5, 1001],
    })) {
      const schema = byName[name].schema;
      for (const v of values) {
        const query = processQuery[name as 'confidence' | 'topk'].schema.safeParse(String(v)).success;
        expect([name, v, ajv.validate(schema, v)]).toEqual([name, v, query]);
      }
    }
  });

  it('validates the protocol specification examples against the v2 request schema', () => {
    const validate = componentValidator(doc, 'V2InferenceRequest');
    for (const file of ['infer-request.json', 'binary-request.json']) {
      const example = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', 'v2', 'fixtures', file), 'utf8'),
      );
      expect([file, validate(example), validate.errors]).toEqual([file, true, null]);
    }
    expect(validate({ inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT' }] })).toBe(false);
  });

  it('documents the job routes: submit (202, Location, Idempotency-Key), Prefer: respond-async, the wrapper', () => {
    const submit = doc.paths['/jobs'].post;
    expect(Object.keys(submit.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '413', '415', '422', '429']),
    );
    expect(submit.responses['202'].headers.Location).toBeDefined();
    expect(submit.responses['422'].description).toMatch(/IDEMPOTENCY_CONFLICT/);
    expect(submit.responses['429'].headers['Retry-After']).toBeDefined();
    const names = (op: { parameters: { name: string; in: string }[] }) =>
      op.parameters.map((p) => `${p.in} ${p.name}`);
    expect(names(submit)).toEqual(expect.arrayContaining(['query confidence', 'header Idempotency-Key']));
    expect(names(doc.paths['/jobs'].get)).toEqual(['query status', 'query limit', 'query cursor']);
    const processDoc = doc.paths['/process'].post;
    expect(names(processDoc)).toContain('header Prefer');
    expect(processDoc.responses['202'].headers['Preference-Applied']).toBeDefined();
    expect(doc.paths['/jobs/{id}/result'].get.responses['409'].description).toMatch(/JOB_NOT_FINISHED/);
    // A job as the routes answer it is valid against the documented schema; a wrong status is not.
    const ajv = new Ajv2020.default({ strict: false, validateFormats: false });
    const jobSchema = doc.paths['/jobs/{id}'].get.responses['200'].content['application/json'].schema;
    const job = jobJson({
      id: 'b7f0c0de-0000-4000-8000-000000000000',
      status: 'failed',
      createdAt: 0,
      startedAt: 1,
      finishedAt: 2,
      attempts: 1,
      error: { code: 'IMAGE_UNDECODABLE', message: 'not an image' },
      cancelRequested: false,
      webhook: null,
    });
    expect(ajv.validate(jobSchema, job)).toBe(true);
    expect(ajv.validate(jobSchema, { ...job, status: 'done' })).toBe(false);
    const added = doc.paths['/data/add-job'].post.responses['200'].content['application/json'].schema;
    const wrapped = {
      data: { id: job.id, status: 'Created', errorMessage: null },
      isError: false,
      errorMessage: null,
    };
    expect(ajv.validate(added, wrapped)).toBe(true);
    expect(ajv.validate(added, { ...wrapped, data: { ...wrapped.data, status: 'queued' } })).toBe(false);
  });

  it('asks for the API key on every route but the probes', () => {
    expect(doc.paths['/process'].post.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(doc.paths['/livez'].get.security).toEqual([]);
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });
});
