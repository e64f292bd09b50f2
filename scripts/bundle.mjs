#!/usr/bin/env node
// npm run build:ts's last step: bundles the `rocket` command (dist/src/cli.js, as tsc wrote it), the
// functions-framework target (dist/src/function.js, package.json's `main`) and the AWS Lambda handler
// (dist/src/lambda.js) into dist/bundle/cli.js, dist/bundle/function.js, dist/bundle/lambda.js and
// the chunks they import on demand, so that a cold start loads a few dozen files instead of about
// 470 modules. On the 2-vCPU Intel host of docs/operations.md ("Cold start") the
// first answer came 11-16% sooner; Node's module loader was most of the main thread's start.
//
// - Our modules and the pure-JavaScript packages the start path loads (START_PACKAGES) are bundled.
//   Every other package stays a plain import from node_modules: native addons (sharp, onnxruntime,
//   better-sqlite3) cannot be bundled, and the packages only some commands or routes load (cloud
//   SDKs, OpenTelemetry's SDK, pg, swagger-ui-dist) are left as they are tested. functions-framework
//   must stay one: the function registers itself with the instance that serves it.
// - Lazily imported modules stay lazy: each dynamic import() becomes a chunk of its own.
// - A bundled module's `import.meta.url` still names its file under dist/src, so paths built from
//   it (the worker thread's script, package.json, web assets) are those of the unbundled build. The
//   inference workers run dist/src/inference/worker.js unbundled: they load few modules.
//
//   node scripts/bundle.mjs
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'dist', 'src');
const OUT = join(ROOT, 'dist', 'bundle');

/** Packages bundled with our code: pure JavaScript, loaded by every `rocket serve` before it answers. */
const START_PACKAGES = [
  'zod',
  'prom-client',
  'tdigest',
  'bintrees',
  '@opentelemetry/api', // prom-client's default metrics import it
  'busboy',
  'streamsearch',
  'protobufjs',
  '@protobufjs',
  'long',
  'ini',
];

/** Whether an import specifier names a package (or a file of one) in START_PACKAGES. */
const isStartPackage = (specifier) =>
  START_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));

const rocketBundle = {
  name: 'rocket-bundle',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      path.startsWith('node:') || isStartPackage(path) ? undefined : { path, external: true },
    );
    b.onLoad({ filter: /\.js$/ }, async ({ path }) => {
      if (!path.startsWith(SOURCE)) return undefined;
      const url = `new URL(${JSON.stringify(relative(OUT, path))}, import.meta.url).href`;
      return { contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

// Chunk names carry a hash of their content: the last build's would be left beside the new ones.
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: ['cli.js', 'function.js', 'lambda.js'].map((entry) => join(SOURCE, entry)),
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [rocketBundle],
  // Maps back through tsc's maps to src/*.ts, for stack traces under node --enable-source-maps.
  sourcemap: true,
  // The bundled CommonJS packages require Node's built-in modules.
  banner: { js: "import { createRequire as rocketRequire } from 'node:module';\nconst require = rocketRequire(import.meta.url);" },
  logLevel: 'warning',
});
