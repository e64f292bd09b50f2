import { type Download, modelFileName, splitChecksum } from './download.js';
import type { RocketSource } from './source.js';

/**
 * A source for one URL scheme whose rockets are downloaded once into CACHE_DIR. `prepare` checks
 * the URL (without its `#sha256=` fragment) and returns how to open it; it runs even when the
 * entry is cached, so a malformed URL always fails the same way.
 */
export function cachedSource(
  name: string,
  pattern: RegExp,
  prepare: (url: string) => () => Promise<Download>,
): RocketSource {
  return {
    name,
    matches: (url) => pattern.test(url),
    async fetch(url, ctx) {
      const { base, sha256 } = splitChecksum(url);
      const open = prepare(base);
      const key = sha256 ? `${base}#sha256=${sha256}` : base;
      // The cache (archives, manifests, model checks) loads only when a remote rocket is asked for:
      // a local rocket's cold start does not import it.
      const { fetchIntoCache } = await import('../cache.js');
      return fetchIntoCache({ url: base, key, fileName: modelFileName(base), sha256, open }, ctx);
    },
  };
}
