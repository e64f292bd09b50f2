import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readdirSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMO_SUFFIX } from '../../src/inference/model-digest.js';
import {
  cpuIdentity,
  discardOptimizedModel,
  findOptimizedModel,
  type MachineKey,
  type OptimizedModel,
  saveOptimizedModel,
} from '../../src/inference/optimized-model.js';
import { buildColourClassifier, tempDir, writeModelFile } from '../helpers/models.js';

const MACHINE: MachineKey = {
  onnxruntime: '1.30.0',
  cpu: 'x64\nmodel name\t: Test CPU\nflags\t\t: fpu sse avx2',
};

function expectUse<U extends OptimizedModel['use']>(plan: OptimizedModel, use: U) {
  expect(plan.use).toBe(use);
  return plan as Extract<OptimizedModel, { use: U }>;
}

/** Stands in for onnxruntime writing its copy to the partial path. */
function saveCopy(plan: OptimizedModel, dir: string, bytes = 'optimized'): string {
  const save = expectUse(plan, 'save');
  writeFileSync(save.partial, bytes);
  return saveOptimizedModel(save, dir);
}

describe('findOptimizedModel', () => {
  it('has nothing for a model seen first, then loads the copy saved for it', () => {
    const model = writeModelFile();
    const dir = join(tempDir(), 'optimized');
    const first = expectUse(findOptimizedModel(model, dir, MACHINE, true), 'save');
    expect(first.path.startsWith(dir)).toBe(true);
    expect(first.partial.startsWith(dir)).toBe(true);
    expect(saveCopy(first, dir)).toBe('saved');
    expect(existsSync(first.partial)).toBe(false);
    expect(findOptimizedModel(model, dir, MACHINE, true)).toEqual({ use: 'load', path: first.path });
  });

  it('a worker that does not save only looks, and reads no model while the cache holds no copy', () => {
    const dir = join(tempDir(), 'optimized');
    const missing = join(tempDir(), 'not-there.onnx');
    expect(findOptimizedModel(missing, dir, MACHINE, false)).toEqual({
      use: 'none',
      why: 'no copy yet (a worker behind this one saves it)',
    });
    expect(existsSync(dir)).toBe(false);
    saveCopy(findOptimizedModel(writeModelFile(buildColourClassifier(8)), dir, MACHINE, true), dir);
    const model = writeModelFile();
    expect(findOptimizedModel(model, dir, MACHINE, false)).toEqual({
      use: 'none',
      why: 'no copy of this model yet (a worker behind this one saves it)',
    });
    const saved = expectUse(findOptimizedModel(model, dir, MACHINE, true), 'save');
    saveCopy(saved, dir);
    expect(findOptimizedModel(model, dir, MACHINE, false)).toEqual({ use: 'load', path: saved.path });
  });

  it('keys a copy by the model bytes, onnxruntime version and CPU', () => {
    const dir = tempDir();
    const pathOf = (model: string, machine: MachineKey) => {
      const plan = findOptimizedModel(model, dir, machine, true);
      expect(plan.use).toBe('save');
      return (plan as { path: string }).path;
    };
    const model = writeModelFile(buildColourClassifier(16));
    const base = pathOf(model, MACHINE);
    expect(pathOf(writeModelFile(buildColourClassifier(16)), MACHINE)).toBe(base); // same bytes elsewhere
    expect(pathOf(writeModelFile(buildColourClassifier(8)), MACHINE)).not.toBe(base);
    expect(pathOf(model, { ...MACHINE, onnxruntime: '1.31.0' })).not.toBe(base);
    expect(pathOf(model, { ...MACHINE, cpu: `${MACHINE.cpu} avx512f` })).not.toBe(base);
  });

  it('caches no model whose bytes may name an external data file, wherever they fall', () => {
    const dir = tempDir();
    // 2 MiB read in 1 MiB chunks: the key at the start, across the first boundary, and at the end.
    for (const offset of [0, 2 ** 20 - 4, 2 * 2 ** 20 - 8]) {
      const bytes = new Uint8Array(2 * 2 ** 20);
      bytes.set(Buffer.from('location'), offset);
      const plan = expectUse(findOptimizedModel(writeModelFile(bytes), dir, MACHINE, true), 'none');
      expect(plan.why).toContain('external data');
    }
    expect(findOptimizedModel(writeModelFile(new Uint8Array(2 * 2 ** 20)), dir, MACHINE, true).use).toBe(
      'save',
    );
  });

  it('caches no model over 1 GiB, and says why', () => {
    const model = join(tempDir(), 'huge.onnx');
    const fd = openSync(model, 'w');
    ftruncateSync(fd, 2 ** 30 + 1); // sparse: nothing is written
    closeSync(fd);
    expect(findOptimizedModel(model, tempDir(), MACHINE, true)).toEqual({
      use: 'none',
      why: 'the model is over 1 GiB',
    });
  });

  it('turns itself off for a cache folder it cannot make', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const plan = expectUse(
      findOptimizedModel(writeModelFile(), join(file, 'optimized'), MACHINE, true),
      'none',
    );
    expect(plan.why).toMatch(/ENOTDIR|not a directory/);
  });
});

describe('saveOptimizedModel', () => {
  it('saves nothing when onnxruntime wrote nothing or an empty file, and leaves no partial', () => {
    const dir = tempDir();
    const model = writeModelFile();
    expect(saveCopy(findOptimizedModel(model, dir, MACHINE, true), dir, '')).toMatch(/^not saved: .*empty/);
    const plan = expectUse(findOptimizedModel(model, dir, MACHINE, true), 'save');
    expect(saveOptimizedModel(plan, dir)).toMatch(/^not saved: .*ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the 8 most recently used copies, and as many memos of model digests', () => {
    const dir = tempDir();
    const settled = Date.now() + 3_600_000; // a clock by which each model has long been written
    const paths = [8, 9, 10, 11, 12, 13, 14, 15, 16].map((size, i) => {
      const plan = expectUse(
        findOptimizedModel(writeModelFile(buildColourClassifier(size)), dir, MACHINE, true, settled),
        'save',
      );
      saveCopy(plan, dir);
      const usedAt = new Date(Date.now() - (100 - i) * 1000); // the first is the least recently used
      utimesSync(plan.path, usedAt, usedAt);
      return plan.path;
    });
    expect(readdirSync(dir).filter((name) => name.endsWith('.ort.onnx'))).toHaveLength(8);
    expect(readdirSync(dir).filter((name) => name.endsWith(MEMO_SUFFIX))).toHaveLength(8);
    expect(readdirSync(dir)).toHaveLength(16);
    expect(existsSync(paths[0] as string)).toBe(false);
    for (const path of paths.slice(1)) expect(existsSync(path)).toBe(true);
  });

  it('a copy found is marked used, so it outlives the ones not used since', () => {
    const dir = tempDir();
    const models = [8, 9, 10, 11, 12, 13, 14, 15].map((size) => writeModelFile(buildColourClassifier(size)));
    const paths = models.map((model, i) => {
      const plan = expectUse(findOptimizedModel(model, dir, MACHINE, true), 'save');
      saveCopy(plan, dir);
      const usedAt = new Date(Date.now() - (100 - i) * 1000);
      utimesSync(plan.path, usedAt, usedAt);
      return plan.path;
    });
    expect(findOptimizedModel(models[0] as string, dir, MACHINE, true).use).toBe('load'); // now the newest
    saveCopy(findOptimizedModel(writeModelFile(buildColourClassifier(16)), dir, MACHINE, true), dir);
    expect(existsSync(paths[0] as string)).toBe(true);
    expect(existsSync(paths[1] as string)).toBe(false);
  });

  it('discardOptimizedModel removes a copy, and is quiet about one already gone', () => {
    const dir = tempDir();
    const plan = expectUse(findOptimizedModel(writeModelFile(), dir, MACHINE, true), 'save');
    saveCopy(plan, dir);
    discardOptimizedModel(plan.path);
    expect(existsSync(plan.path)).toBe(false);
    expect(() => discardOptimizedModel(plan.path)).not.toThrow();
  });
});

describe('cpuIdentity', () => {
  const x86 = [
    'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2445.406\nflags\t\t: fpu avx2 avx512f\nbogomips\t: 4890.81',
    'processor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2300.000\nflags\t\t: fpu avx2 avx512f',
  ].join('\n\n');

  it('is the first CPU vendor, model and flags, not its clock', () => {
    const id = cpuIdentity(x86);
    expect(id).toContain('vendor_id\t: AuthenticAMD');
    expect(id).toContain('model name\t: AMD EPYC');
    expect(id).toContain('flags\t\t: fpu avx2 avx512f');
    expect(id).not.toContain('MHz');
    expect(id).not.toContain('bogomips');
    expect(cpuIdentity(x86.replace(/2445\.406/, '3000.000'))).toBe(id);
    expect(cpuIdentity(x86.replaceAll(' avx512f', ''))).not.toBe(id);
  });

  it('reads an Arm CPU by its features and part number', () => {
    const arm =
      'processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd sve\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n';
    const id = cpuIdentity(arm);
    expect(id).toContain('Features\t: fp asimd sve');
    expect(id).toContain('CPU part\t: 0xd0c');
    expect(id).not.toContain('BogoMIPS');
  });

  it('falls back to the CPU model name where /proc/cpuinfo is missing', () => {
    expect(cpuIdentity(null).split('\n')).toHaveLength(2);
  });
});
