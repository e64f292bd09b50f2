import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { RocketError } from '../errors.js';
import { readModelInfo } from '../onnx/read.js';
import { type InferredSpec, inferSpecWithReasons, type ManifestContext } from './infer.js';
import { readLabelsFile, readMappingFile } from './labels.js';
import { assertLoadable } from './loadable.js';
import { readManifest } from './manifest.js';
import { type ResolveConfig, resolveContext, resolveRocketUrl } from './resolve.js';
import type { RocketSpec } from './types.js';

/**
 * Turns a local .onnx file or rocket directory into a {@link RocketSpec}: reads the manifest (if a
 * directory), the model's signature and metadata, and the labels file.
 */
export async function loadRocketSpec(path: string, isDirectory: boolean): Promise<RocketSpec> {
  return (await loadInferredSpec(path, isDirectory)).spec;
}

/** {@link loadRocketSpec}, with the rules that chose the task and the output format. */
export async function loadInferredSpec(path: string, isDirectory: boolean): Promise<InferredSpec> {
  let modelPath = path;
  const ctx: ManifestContext = {};
  if (isDirectory) {
    const manifestPath = join(path, 'rocket.json');
    if (!existsSync(manifestPath)) {
      throw new RocketError('ROCKET_INVALID', `Rocket directory ${path} has no rocket.json manifest`);
    }
    const manifest = readManifest(manifestPath);
    const base = dirname(manifestPath);
    const within = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
    modelPath = within(manifest.model);
    if (!existsSync(modelPath)) {
      throw new RocketError(
        'ROCKET_NOT_FOUND',
        `Manifest ${manifestPath} names model ${modelPath}, which does not exist`,
      );
    }
    ctx.manifest = manifest;
    if (manifest.labels) ctx.labelsFromFile = readLabelsFile(within(manifest.labels));
    if (manifest.mapping) ctx.featureNames = readMappingFile(within(manifest.mapping));
  }
  const bytes = await readFile(modelPath);
  const expectedSha = ctx.manifest?.sha256?.toLowerCase();
  if (expectedSha) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expectedSha) {
      throw new RocketError(
        'ROCKET_CHECKSUM_MISMATCH',
        `Model ${modelPath} has sha256 ${actual}, but its manifest says ${expectedSha}`,
      );
    }
  }
  let info: ReturnType<typeof readModelInfo>;
  try {
    info = readModelInfo(bytes);
  } catch (err) {
    throw new RocketError(
      'MODEL_LOAD_FAILED',
      `Cannot parse ${modelPath} as an ONNX model: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  assertLoadable(modelPath, info);
  return inferSpecWithReasons(modelPath, info, ctx);
}

/**
 * Resolves ROCKET_URL (a local path, or a remote rocket downloaded once into CACHE_DIR) and loads
 * its spec. `config` supplies CACHE_DIR, ROCKET_REGISTRY and MAX_ROCKET_BYTES (defaults otherwise).
 */
export async function loadRocket(
  url: string,
  cwd: string,
  config: Partial<ResolveConfig> = {},
): Promise<RocketSpec> {
  const { path, isDirectory } = await resolveRocketUrl(url, resolveContext(cwd, config));
  return loadRocketSpec(path, isDirectory);
}
