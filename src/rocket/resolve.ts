import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocketError } from '../errors.js';

/** A way of turning a ROCKET_URL into a local path (a .onnx file or a rocket directory). */
export interface RocketSource {
  /** Short name used in messages ("local file", "https download"). */
  name: string;
  /** True when this source handles the URL. Sources are tried in order. */
  matches(url: string): boolean;
  fetch(url: string, ctx: ResolveContext): Promise<string>;
}

export interface ResolveContext {
  cwd: string;
}

const REGISTRY_FORM = /^[\w.-]+\/[\w.-]+(@[\w.-]+)?$/;
const REMOTE_SCHEME = /^(https?|gs|s3|hf):\/\//i;

/** Paths on local disk, plain or as file:// URLs. */
export const localSource: RocketSource = {
  name: 'local path',
  matches: (url) => url.startsWith('file://') || !REMOTE_SCHEME.test(url),
  async fetch(url, ctx) {
    const path = url.startsWith('file://')
      ? fileURLToPath(url)
      : isAbsolute(url)
        ? url
        : resolve(ctx.cwd, url);
    if (existsSync(path)) return path;
    if (REGISTRY_FORM.test(url)) {
      throw new RocketError(
        'ROCKET_URL_UNSUPPORTED',
        `ROCKET_URL "${url}" looks like a registry name (owner/name); registry rockets are not supported yet, ` +
          `and no local path ${path} exists. Point ROCKET_URL at a .onnx file or a rocket directory.`,
      );
    }
    throw new RocketError('ROCKET_NOT_FOUND', `ROCKET_URL "${url}": no such file or directory ${path}`);
  },
};

/** Remote schemes this version recognises but cannot fetch yet. */
export const unsupportedRemoteSource: RocketSource = {
  name: 'remote URL',
  matches: (url) => REMOTE_SCHEME.test(url),
  async fetch(url) {
    throw new RocketError(
      'ROCKET_URL_UNSUPPORTED',
      `ROCKET_URL "${url}": remote rockets (https, gs, s3, hf) are not supported yet; download the file and point ROCKET_URL at it.`,
    );
  },
};

/** The sources in the order they are tried. Remote sources slot in here. */
export const DEFAULT_SOURCES: readonly RocketSource[] = [unsupportedRemoteSource, localSource];

/** Resolves ROCKET_URL to a local path that exists, using the first source that matches. */
export async function resolveRocketUrl(
  url: string,
  ctx: ResolveContext,
  sources: readonly RocketSource[] = DEFAULT_SOURCES,
): Promise<{ path: string; isDirectory: boolean }> {
  const source = sources.find((s) => s.matches(url));
  if (!source)
    throw new RocketError('ROCKET_URL_UNSUPPORTED', `ROCKET_URL "${url}": no source handles this form`);
  const path = await source.fetch(url, ctx);
  return { path, isDirectory: statSync(path).isDirectory() };
}
