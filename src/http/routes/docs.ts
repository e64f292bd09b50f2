import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Route, RouteContext } from '../route.js';
import { sendJson } from '../route.js';
import { type Asset, AssetDir, makeAsset, sendAsset } from '../static-assets.js';

const swaggerRoot = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const swaggerVersion = () => String(createRequire(import.meta.url)('swagger-ui-dist/package.json').version);

/** Swagger UI's files, from the swagger-ui-dist package: nothing comes from a CDN. */
let swaggerFiles: AssetDir | undefined;
const files = () =>
  (swaggerFiles ??= new AssetDir(swaggerRoot(), [
    'swagger-ui.css',
    'swagger-ui-bundle.js',
    'favicon-32x32.png',
    'favicon-16x16.png',
  ]));

/** Starts Swagger UI on the document beside the page; no validator badge (it would call out). */
const INIT = makeAsset(
  'init.js',
  Buffer.from(`window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', document.baseURI).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`),
);

const asset = (name: string): Asset => (name === 'init.js' ? INIT : files().require(name));

/** The Swagger UI page for each `<base href>` it is served with, built on first use. */
const pages = new Map<string, Asset>();

/** The Swagger UI page; URLs are relative so the page works under a path prefix too. */
function page(ctx: RouteContext): Asset {
  const base = ctx.url.pathname.endsWith('/') ? '../' : './';
  let built = pages.get(base);
  if (!built) {
    built = buildPage(base);
    pages.set(base, built);
  }
  return built;
}

function buildPage(base: string): Asset {
  const href = (name: string) => `docs/${name}?v=${asset(name).hash}`;
  return makeAsset(
    'docs.html',
    Buffer.from(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="${base}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rocketserve API</title>
<link rel="stylesheet" href="${href('swagger-ui.css')}">
<link rel="icon" type="image/png" href="${href('favicon-32x32.png')}">
</head>
<body>
<main id="swagger-ui" data-swagger-ui="${swaggerVersion()}"></main>
<script src="${href('swagger-ui-bundle.js')}"></script>
<script src="${href('init.js')}"></script>
</body>
</html>
`),
  );
}

let cachedDocument: unknown;

/**
 * The OpenAPI document of every route, built once, on the first request for it: its modules stay
 * off the cold start (and ROUTES is imported late: it imports this module).
 */
async function openApi(): Promise<unknown> {
  if (!cachedDocument) {
    const [{ ROUTES }, { buildOpenApi }] = await Promise.all([
      import('./index.js'),
      import('../../openapi/document.js'),
    ]);
    cachedDocument = buildOpenApi(ROUTES);
  }
  return cachedDocument;
}

/** GET /openapi.json, and Swagger UI at /docs (alias /swagger) served from swagger-ui-dist. */
export const docsRoutes: Route[] = [
  {
    method: 'GET',
    path: '/openapi.json',
    kind: 'cheap',
    async handler({ res }) {
      sendJson(res, 200, await openApi(), { 'cache-control': 'no-cache' });
    },
  },
  { method: 'GET', path: '/docs', kind: 'cheap', handler: (ctx) => sendAsset(ctx, page(ctx), 'page') },
  { method: 'GET', path: '/swagger', kind: 'cheap', handler: (ctx) => sendAsset(ctx, page(ctx), 'page') },
  {
    method: 'GET',
    path: '/docs/{file}',
    kind: 'cheap',
    handler: (ctx) => sendAsset(ctx, asset(ctx.params.file ?? ''), 'file'),
  },
];
