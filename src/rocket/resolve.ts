import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, OPTIONS } from '../config/options.js';
import { RocketError } from '../errors.js';
import { redactUrl } from './redact.js';
import { gsSource, httpSource, huggingFaceSource, registrySource, s3Source } from './sources/index.js';
import { terminalProgress } from './sources/progress.js';
import type { ResolveContext, RocketSource } from './sources/source.js';

export type { ResolveContext, RocketSource } from './sources/source.js';

/** The configuration keys resolving reads. */
export type ResolveConfig = Pick<Config, 'CACHE_DIR' | 'ROCKET_REGISTRY' | 'MAX_ROCKET_BYTES'>;

/** A {@link ResolveContext} from configuration; keys not given take their defaults. */
export function resolveContext(cwd: string, config: Partial<ResolveConfig> = {}): ResolveContext {
  return {
    cwd,
    cacheDir: resolve(cwd, config.CACHE_DIR ?? OPTIONS.CACHE_DIR.default),
    registry: config.ROCKET_REGISTRY ?? OPTIONS.ROCKET_REGISTRY.default,
    maxBytes: config.MAX_ROCKET_BYTES ?? OPTIONS.MAX_ROCKET_BYTES.default,
    progress: terminalProgress(),
  };
}

const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Paths on local disk, plain or as file:// URLs. */
export const localSource: RocketSource = {
  name: 'local path',
  matches: (url) => url.startsWith('file://') || !ANY_SCHEME.test(url),
  async fetch(url, ctx) {
    const path = url.startsWith('file://')
      ? fileURLToPath(url)
      : isAbsolute(url)
        ? url
        : resolve(ctx.cwd, url);
    if (existsSync(path)) return path;
    throw new RocketError(
      'ROCKET_NOT_FOUND',
      `ROCKET_URL "${redactUrl(url)}": no such file or directory ${path}`,
    );
  },
};

/** Schemes no source handles (ftp://, …). */
export const unsupportedRemoteSource: RocketSource = {
  name: 'remote URL',
  matches: (url) => ANY_SCHEME.test(url) && !url.startsWith('file://'),
  async fetch(url) {
    throw new RocketError(
      'ROCKET_URL_UNSUPPORTED',
      `ROCKET_URL "${redactUrl(url)}": unsupported scheme; use a local path, https://, http://, gs://, s3://, hf:// or owner/name`,
    );
  },
};

/** The sources in the order they are tried. An existing local path always wins over owner/name. */
export const DEFAULT_SOURCES: readonly RocketSource[] = [
  httpSource,
  gsSource,
  s3Source,
  huggingFaceSource,
  registrySource,
  unsupportedRemoteSource,
  localSource,
];

/** Resolves ROCKET_URL to a local path that exists, using the first source that matches. */
export async function resolveRocketUrl(
  url: string,
  ctx: ResolveContext,
  sources: readonly RocketSource[] = DEFAULT_SOURCES,
): Promise<{ path: string; isDirectory: boolean }> {
  const source = sources.find((s) => s.matches(url, ctx));
  if (!source)
    throw new RocketError(
      'ROCKET_URL_UNSUPPORTED',
      `ROCKET_URL "${redactUrl(url)}": no source handles this form`,
    );
  const path = await source.fetch(url, ctx);
  return { path, isDirectory: statSync(path).isDirectory() };
}
