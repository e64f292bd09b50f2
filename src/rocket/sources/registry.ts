import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { RocketError } from '../../errors.js';
import { redactUrl } from '../redact.js';
import { downloadFailed } from './download.js';
import { receiveText } from './receive.js';
import { openRemote } from './remote.js';
import type { RocketSource } from './source.js';

/** A registry rocket's name: `owner/name[@version]`; the version defaults to `latest`. */
export interface RegistryName {
  owner: string;
  name: string;
  version: string;
}

const FORM = /^([\w.-]+)\/([\w.-]+?)(?:@([\w.-]+))?$/;

/** Parses `owner/name[@version]`; undefined for anything else (paths to files, `..`). */
export function parseRegistryName(url: string): RegistryName | undefined {
  const match = FORM.exec(url);
  if (!match || /\.(onnx|json|tar\.gz|tgz)$/i.test(url)) return undefined;
  const [, owner, name, version = 'latest'] = match as unknown as [string, string, string, string?];
  if ([owner, name, version].some((part) => /^\.+$/.test(part))) return undefined;
  return { owner, name, version };
}

/**
 * Where a registry rocket lives: `{registry}/{owner}/{name}/{version}/rocket.tar.gz` and, beside
 * it, `rocket.tar.gz.sha256` (the archive's sha256 in hex, as `sha256sum` writes it). `rocket pack`
 * writes this layout.
 */
export function registryLocation(
  registry: string,
  rocket: RegistryName,
): { archive: string; checksum: string } {
  const base = registry.trim().replace(/\/+$/, '');
  const archive = `${base}/${rocket.owner}/${rocket.name}/${rocket.version}/rocket.tar.gz`;
  return { archive, checksum: `${archive}.sha256` };
}

/** The hex digest at the start of a `.sha256` file. */
export function parseChecksumFile(text: string, url: string): string {
  const match = /^\s*([0-9a-f]{64})(\s|$)/i.exec(text);
  if (!match?.[1]) throw downloadFailed(url, 'the file does not start with a sha256 hex digest');
  return match[1].toLowerCase();
}

async function fetchChecksum(url: string, checksum: string): Promise<string> {
  try {
    return parseChecksumFile(await receiveText(await openRemote(checksum), checksum), checksum);
  } catch (err) {
    if (!(err instanceof RocketError)) throw err;
    throw new RocketError(err.code, `ROCKET_URL "${url}": ${err.message}`, { cause: err });
  }
}

/**
 * `owner/name[@version]` resolved against ROCKET_REGISTRY. A value that exists as a local path is
 * left to the local source. The archive is cached by its URL, so once downloaded the rocket starts
 * without the registry; its sha256 file is fetched (and checked) only on the first download.
 */
export const registrySource: RocketSource = {
  name: 'registry',
  matches: (url, ctx) => parseRegistryName(url) !== undefined && !existsSync(resolve(ctx.cwd, url)),
  async fetch(url, ctx) {
    const rocket = parseRegistryName(url) as RegistryName;
    if (!ctx.registry) {
      throw new RocketError(
        'ROCKET_URL_UNSUPPORTED',
        `ROCKET_URL "${url}" looks like a registry name (owner/name[@version]), but ROCKET_REGISTRY is not set ` +
          `and no local path ${isAbsolute(url) ? url : resolve(ctx.cwd, url)} exists`,
      );
    }
    if (!/^(https?|gs|s3):\/\/./i.test(ctx.registry)) {
      throw new RocketError(
        'ROCKET_URL_INVALID',
        `ROCKET_REGISTRY "${redactUrl(ctx.registry)}" must be an https://, http://, gs:// or s3:// URL`,
      );
    }
    const { archive, checksum } = registryLocation(ctx.registry, rocket);
    const { fetchIntoCache } = await import('../cache.js'); // loaded only for remote rockets (see cached.ts)
    return fetchIntoCache(
      {
        url: `${url} (${redactUrl(archive)})`,
        key: archive,
        fileName: 'model.onnx',
        sha256: () => fetchChecksum(url, checksum),
        open: () => openRemote(archive),
      },
      ctx,
    );
  },
};
