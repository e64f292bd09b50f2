import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes/index.js';
import { buildOpenApi } from '../../src/openapi/document.js';
import { json, postImage } from '../helpers/http.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { ROOT, useServer } from '../helpers/server.js';
import { componentValidator } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: the document is navigated freely
type Doc = any;

function expectValid(doc: Doc, id: string, body: unknown) {
  const validate = componentValidator(doc, id);
  expect([id, validate(body), validate.errors]).toEqual([id, true, null]);
}

describe('/openapi.json and /docs on a running server (demo rocket)', () => {
  const server = useServer('npm start server');
  let doc: Doc;
  beforeAll(async () => {
    doc = await json(await fetch(`${server().url}/openapi.json`));
  });

  it('serves the document generated from ROUTES', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApi(ROUTES))));
  });

  it('answers every documented operation (none is ROUTE_NOT_FOUND or METHOD_NOT_ALLOWED)', async () => {
    const { rocket } = await json(await fetch(`${server().url}/health`));
    const values: Record<string, string> = {
      name: rocket.name,
      version: rocket.version,
      file: 'swagger-ui.css',
    };
    const unanswered: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
      for (const method of Object.keys(ops)) {
        const file = path.startsWith('/static/') ? 'app.js' : values.file;
        const url = path.replace(/\{(\w+)\}/g, (_, p: string) =>
          p === 'file' ? (file as string) : (values[p] as string),
        );
        const res = await fetch(`${server().url}${url}`, { method: method.toUpperCase() });
        const body = await res.text();
        const code = res.status === 404 ? JSON.parse(body).error?.code : undefined;
        if (res.status === 405 || code === 'ROUTE_NOT_FOUND')
          unanswered.push(`${method} ${url}: ${res.status}`);
      }
    }
    expect(unanswered).toEqual([]);
    const missing = await json(await fetch(`${server().url}/not-documented`));
    expect(missing.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('describes the bodies the server sends: /process, /health, errors, v2 metadata and infer', async () => {
    const shapes = readFileSync(join(ROOT, 'build', 'demo', 'shapes.jpg'));
    const processed = await json(await postImage(server().url, shapes));
    expect(processed.detections.length).toBeGreaterThan(0);
    expectValid(doc, 'ProcessResults', processed);
    expectValid(doc, 'Health', await json(await fetch(`${server().url}/health`)));
    expectValid(doc, 'Status', await json(await fetch(`${server().url}/readyz`)));
    expectValid(doc, 'Error', await json(await postImage(server().url, shapes, '?confidence=2')));
    expectValid(doc, 'V2ServerMetadata', await json(await fetch(`${server().url}/v2`)));
    expectValid(doc, 'V2ModelMetadata', await json(await fetch(`${server().url}/v2/models/demo-detector`)));
    const request = {
      id: 'x',
      inputs: [
        {
          name: 'images',
          shape: [1, 3, 320, 320],
          datatype: 'FP32',
          data: new Array(3 * 320 * 320).fill(0.5),
        },
      ],
    };
    expectValid(doc, 'V2InferenceRequest', request);
    const inferred = await fetch(`${server().url}/v2/models/demo-detector/infer`, {
      method: 'POST',
      body: JSON.stringify(request),
    });
    expectValid(doc, 'V2InferenceResponse', await json(inferred));
    expectValid(doc, 'V2Error', await json(await fetch(`${server().url}/v2/models/other`)));
  });

  it('serves Swagger UI from swagger-ui-dist at /docs and /swagger, with cache headers', async () => {
    for (const path of ['/docs', '/swagger', '/docs/']) {
      const res = await fetch(`${server().url}${path}`);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      expect(html).toMatch(/<script src="docs\/swagger-ui-bundle\.js\?v=[\w-]{16}">/);
      expect(html).toContain(`<base href="${path.endsWith('/') ? '../' : './'}">`);
      expect(html).not.toMatch(/https?:\/\//);
    }
    const page = await (await fetch(`${server().url}/docs`)).text();
    const src = page.match(/src="(docs\/swagger-ui-bundle\.js\?v=[\w-]+)"/)?.[1] as string;
    const bundle = await fetch(`${server().url}/${src}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const dist = readFileSync(join(ROOT, 'node_modules', 'swagger-ui-dist', 'swagger-ui-bundle.js'));
    expect(Buffer.from(await bundle.arrayBuffer()).equals(dist)).toBe(true); // fetch undoes the gzip
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    const etag = bundle.headers.get('etag') as string;
    const again = await fetch(`${server().url}/docs/swagger-ui-bundle.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const unversioned = await fetch(`${server().url}/docs/swagger-ui.css`);
    expect(unversioned.headers.get('cache-control')).toBe('public, max-age=3600');
    const outside = await fetch(`${server().url}/docs/package.json`);
    expect(outside.status).toBe(404);
  });
});

describe('/process classify responses match the document (colour rocket)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeColourRocket() }));

  it('validates', async () => {
    const doc = buildOpenApi(ROUTES);
    const body = await json(await postImage(server().url, await solidImage([230, 20, 20]), '', 'red.png'));
    expect(body.predictions[0].label).toBe('red');
    expectValid(doc, 'ProcessResults', body);
  });
});
