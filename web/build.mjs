// Builds the web playground: web/src/main.ts bundled by esbuild into build/web/app.js and the jobs
// page's web/src/addjob.ts into build/web/addjob.js, with web/index.html, web/addjob.html and
// web/app.css beside them. The server serves build/web/ (src/http/routes/playground.ts).
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const web = dirname(fileURLToPath(import.meta.url));
const out = join(web, '..', 'build', 'web');
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(web, 'src', 'main.ts'), addjob: join(web, 'src', 'addjob.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await Promise.all(['index.html', 'addjob.html', 'app.css'].map((f) => copyFile(join(web, f), join(out, f))));
console.log(`web playground built in ${out}`);
