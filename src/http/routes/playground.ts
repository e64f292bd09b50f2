import { join } from 'node:path';
import { RocketError } from '../../errors.js';
import { packageRoot } from '../../package.js';
import { familyOf } from '../../tasks/registry.js';
import { type Route, sendJson } from '../route.js';
import { type Asset, AssetDir, makeAsset, sendAsset } from '../static-assets.js';

/** The playground's built files (web/ → build/web/ by `npm run build:web`). */
let built: AssetDir | undefined;
const web = () =>
  (built ??= new AssetDir(join(packageRoot(), 'build', 'web'), [
    'index.html',
    'app.js',
    'app.css',
    'addjob.html',
    'addjob.js',
  ]));

const pages = new Map<string, Asset>();

/** A page (index.html, addjob.html) with each `{{v:FILE}}` replaced by FILE's content hash, so the files cache for good. */
function page(name: string): Asset {
  const cached = pages.get(name);
  if (cached) return cached;
  const template = web().get(name);
  if (!template) {
    throw new RocketError(
      'INTERNAL',
      `The playground is not built: run npm run build:web (${web().dir} is missing)`,
    );
  }
  const html = template.body
    .toString('utf8')
    .replace(/\{\{v:([\w.-]+)\}\}/g, (_, name: string) => web().require(name).hash);
  const asset = makeAsset(name, Buffer.from(html));
  pages.set(name, asset);
  return asset;
}

/**
 * The web playground: `GET /` and its scripts and styles. Kind `probe` so that the page loads
 * without the API key (it holds nothing secret); the page asks for the key when the API answers 401.
 */
export const playgroundRoutes: Route[] = [
  { method: 'GET', path: '/', kind: 'probe', handler: (ctx) => sendAsset(ctx, page('index.html'), 'page') },
  // The jobs view: queue files, follow each job, draw its result as the playground does.
  {
    method: 'GET',
    path: '/AddJob',
    kind: 'probe',
    handler: (ctx) => sendAsset(ctx, page('addjob.html'), 'page'),
  },
  {
    // What the page shows for the rocket's task family (its panels and its request), and where the
    // sliders start: the rocket's own thresholds.
    method: 'GET',
    path: '/playground.json',
    kind: 'probe',
    handler({ res, app }) {
      const spec = app.pipeline().spec;
      const family = familyOf(spec.task);
      const rocket = family.input === 'image' && spec.input === 'image' ? family.playgroundOf?.(spec) : {};
      sendJson(res, 200, { task: spec.task, ...family.playground, ...rocket, thresholds: spec.thresholds });
    },
  },
  {
    method: 'GET',
    path: '/static/{file}',
    kind: 'probe',
    handler: (ctx) => sendAsset(ctx, web().require(ctx.params.file ?? ''), 'file'),
  },
];
