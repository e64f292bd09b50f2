import { build, type Metafile } from 'esbuild';

/**
 * What the modules reachable from `entries` import, as esbuild's metafile records it: each of our
 * modules with its imports (kind, path, and whether it is a package, left external). Nothing is
 * written.
 */
export async function importGraph(entries: string[]): Promise<Metafile> {
  const { metafile } = await build({
    entryPoints: entries,
    outdir: 'unused', // esbuild wants one for several entry points
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return metafile;
}
