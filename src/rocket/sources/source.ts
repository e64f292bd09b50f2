import type { ProgressReporter } from './download.js';

/** A way of turning a ROCKET_URL into a local path (a .onnx file or a rocket directory). */
export interface RocketSource {
  /** Short name used in messages ("local file", "https download"). */
  name: string;
  /** True when this source handles the URL. Sources are tried in order. */
  matches(url: string, ctx: ResolveContext): boolean;
  fetch(url: string, ctx: ResolveContext): Promise<string>;
}

/** What resolving needs: where relative paths start, the cache, the registry and the size limit. */
export interface ResolveContext {
  cwd: string;
  /** Absolute CACHE_DIR: downloaded rockets, one entry per URL. */
  cacheDir: string;
  /** ROCKET_REGISTRY: base URL of `owner/name[@version]` rockets; empty when none. */
  registry: string;
  /** MAX_ROCKET_BYTES: the largest download (and unpacked archive) accepted. */
  maxBytes: number;
  /** Download progress; by default a line on stderr when it is a terminal, else nothing. */
  progress?: ProgressReporter;
}
