import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tar from 'tar';
import { RocketError } from '../errors.js';
import { checkManifestPaths } from '../rocket/archive.js';
import { loadRocketSpec } from '../rocket/load.js';
import { parseRegistryName, type RegistryName, registryLocation } from '../rocket/sources/registry.js';
import type { Command } from './types.js';
import { UsageError } from './usage.js';

/** What {@link packRocket} wrote. */
export interface PackResult {
  archive: string;
  checksum: string;
  sha256: string;
  bytes: number;
  /** Where the two files go in a registry: `owner/name/version/rocket.tar.gz` (and `.sha256`). */
  registryPath: string;
  rocket: { name: string; version: string; task: string };
}

const OUTPUTS = new Set(['rocket.tar.gz', 'rocket.tar.gz.sha256']);

/**
 * Validates a rocket directory (its manifest, model and labels, all inside the directory) and writes
 * `rocket.tar.gz` plus `rocket.tar.gz.sha256` (in `sha256sum` format) into `outDir`, each atomically.
 * With `registry`, `outDir` is a registry tree and the files go to `owner/name/version/` in it.
 */
export async function packRocket(
  dir: string,
  options: { outDir: string; as?: RegistryName; registry?: boolean },
): Promise<PackResult> {
  if (!existsSync(join(dir, 'rocket.json'))) {
    throw new RocketError(
      'ROCKET_INVALID',
      `${dir} has no rocket.json; rocket pack packs a rocket directory`,
    );
  }
  await checkManifestPaths(dir, (why) => new RocketError('ROCKET_INVALID', `Rocket ${dir}: ${why}`));
  const spec = await loadRocketSpec(dir, true);
  const as = options.as ?? { owner: 'OWNER', name: spec.name, version: 'latest' };
  const registryPath = registryLocation('', as).archive.replace(/^\//, '');
  const outDir = options.registry ? join(options.outDir, registryPath, '..') : options.outDir;
  await mkdir(outDir, { recursive: true });
  const archive = join(outDir, 'rocket.tar.gz');
  const files = (await readdir(dir)).filter((n) => !n.startsWith('.') && !OUTPUTS.has(n)).sort();
  const temp = `${archive}.${process.pid}.tmp`;
  try {
    await tar.c({ gzip: true, file: temp, cwd: dir, portable: true, noMtime: true }, files);
    const sha256 = await hashFile(temp);
    await writeFile(`${temp}.sha256`, `${sha256}  rocket.tar.gz\n`);
    await rename(temp, archive);
    await rename(`${temp}.sha256`, `${archive}.sha256`);
    const { size } = await stat(archive);
    const rocket = { name: spec.name, version: spec.version, task: spec.task };
    return { archive, checksum: `${archive}.sha256`, sha256, bytes: size, registryPath, rocket };
  } finally {
    await rm(temp, { force: true });
    await rm(`${temp}.sha256`, { force: true });
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `rocket pack <dir>`: validates a rocket directory and writes rocket.tar.gz and its .sha256. */
export const packCommand: Command = {
  help: `Usage: rocket pack <dir> [--as owner/name[@version]] [--out DIR] [--registry DIR]

Validates DIR's rocket.json (every field, the model's signature, the labels file, and that the
paths stay inside DIR), then writes rocket.tar.gz and rocket.tar.gz.sha256 and prints where
they go in a registry: {ROCKET_REGISTRY}/{owner}/{name}/{version}/rocket.tar.gz (+ .sha256).
ROCKET_URL=owner/name serves version "latest"; owner/name@version pins one.

Options:
  --as <owner/name[@version]>  Registry name (default: OWNER/<manifest name>@latest)
  --out <dir>                  Where to write the two files (default: the current directory)
  --registry <dir>             Write into a registry tree instead: DIR/owner/name/version/
                               (upload DIR's contents to your bucket or web server as they are)
  -h, --help                   Show this help
`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { as: { type: 'string' }, out: { type: 'string' }, registry: { type: 'string' } },
    });
    const [dir, ...extra] = positionals;
    if (!dir || extra.length > 0) throw new UsageError('Expected one rocket directory', packCommand.help);
    const as = values.as === undefined ? undefined : parseRegistryName(values.as);
    if (values.as !== undefined && !as)
      throw new UsageError(`--as expects owner/name[@version] but received "${values.as}"`, packCommand.help);
    const registry = values.registry !== undefined;
    const outDir = resolve(values.registry ?? values.out ?? '.');
    const result = await packRocket(resolve(dir), { outDir, as, registry });
    const { rocket } = result;
    process.stdout.write(
      `Packed ${rocket.name} ${rocket.version} (${rocket.task}) from ${basename(resolve(dir))}\n` +
        `  ${result.archive}  ${result.bytes} bytes\n  ${result.checksum}  sha256 ${result.sha256}\n` +
        `Registry layout (relative to ROCKET_REGISTRY):\n` +
        `  ${result.registryPath}\n  ${result.registryPath}.sha256\n`,
    );
  },
};
