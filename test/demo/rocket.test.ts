import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDemoDetector } from '../../src/demo/detector.js';
import { DEMO_MODEL_FILE, writeDemoRocket } from '../../src/demo/rocket.js';
import { readModelInfo } from '../../src/onnx/read.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rocketserve-demo-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeDemoRocket', () => {
  it('writes demo-detector.onnx (creating the directory) and returns its path', async () => {
    const dir = join(await tempDir(), 'nested', 'demo');
    const path = await writeDemoRocket(dir);
    expect(path).toBe(join(dir, DEMO_MODEL_FILE));
    const bytes = await readFile(path);
    expect(Buffer.compare(bytes, buildDemoDetector())).toBe(0);
    expect(readModelInfo(bytes).metadata.description).toBe('rocketserve demo detector');
  });

  it('leaves an identical file alone and replaces a different one', async () => {
    const dir = await tempDir();
    const path = await writeDemoRocket(dir);
    const before = await stat(path);
    await new Promise((r) => setTimeout(r, 20));
    await writeDemoRocket(dir);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
    await writeFile(path, 'stale');
    await writeDemoRocket(dir);
    expect(Buffer.compare(await readFile(path), buildDemoDetector())).toBe(0);
  });
});
