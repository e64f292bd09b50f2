import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RocketError } from '../../src/errors.js';
import { loadKernels, referenceKernels } from '../../src/kernels/index.js';
import {
  loadNativeKernelsFrom,
  NATIVE_ABI_VERSION,
  NATIVE_ADDON_PATH,
  NATIVE_ADDON_RELATIVE_PATH,
} from '../../src/kernels/native.js';
import { thrown } from '../helpers/errors.js';
import { firstMessage } from '../helpers/worker.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('native kernel loader', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rocketserve-loader-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('resolves the addon under the package root', () => {
    expect(NATIVE_ADDON_PATH).toBe(join(repoRoot, NATIVE_ADDON_RELATIVE_PATH));
    expect(existsSync(NATIVE_ADDON_PATH), `${NATIVE_ADDON_PATH} is missing: run npm run build:native`).toBe(
      true,
    );
  });

  it('loads once and caches', () => {
    const kernels = loadKernels('native');
    expect(kernels.kind).toBe('native');
    expect(loadKernels('native')).toBe(kernels);
    expect(Object.isFrozen(kernels)).toBe(true);
    expect(loadKernels('reference')).toBe(referenceKernels);
    expect(referenceKernels.kind).toBe('reference');
  });

  it('explains a missing addon with the path and the likely fixes', () => {
    const path = join(scratch, 'missing', 'rocketserve_native.node');
    const err = thrown(() => loadNativeKernelsFrom(path));
    expect(err).toBeInstanceOf(RocketError);
    expect(err.code).toBe('NATIVE_ADDON_UNAVAILABLE');
    expect(err.status).toBe(500);
    expect(err.cause).toBeInstanceOf(Error);
    expect(err.message).toContain(`Cannot load the native kernel addon from ${path}: Cannot find module`);
    for (const fix of [
      'npm run build:native',
      'CPU architectures',
      'glibc Linux only',
      'musl',
      'ABI version',
    ]) {
      expect(err.message).toContain(fix);
    }
  });

  it('rejects a stale build by its ABI version', () => {
    const path = join(scratch, 'stale.cjs');
    writeFileSync(path, 'module.exports = { ABI_VERSION: 0 };\n');
    const err = thrown(() => loadNativeKernelsFrom(path));
    expect(err.code).toBe('NATIVE_ADDON_UNAVAILABLE');
    expect(err.message).toContain(`${path} is a stale build: ABI version 0, expected ${NATIVE_ABI_VERSION}`);
    expect(err.message).toContain('npm run build:native');
  });

  it('loads in several worker threads at once (context-aware)', async () => {
    loadKernels('native');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData);
      const x = Float32Array.from([0, Math.log(3)]);
      addon.softmax(x, x);
      parentPort.postMessage({ abi: addon.ABI_VERSION, p: Array.from(x) });`;
    const run = () => firstMessage<{ abi: number; p: number[] }>(code, NATIVE_ADDON_PATH);
    const results = await Promise.all([run(), run(), run()]);
    for (const { abi, p } of results) {
      expect(abi).toBe(NATIVE_ABI_VERSION);
      expect(p[0]).toBeCloseTo(0.25, 6);
      expect(p[1]).toBeCloseTo(0.75, 6);
    }
  });
});
