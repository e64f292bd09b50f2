/**
 * Writes the embedded demo rocket (the demo detector's ONNX file) to disk. The model is generated
 * at build or start time and never committed.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDemoDetector } from './detector.js';

/** File name of the demo detector inside a rocket directory. */
export const DEMO_MODEL_FILE = 'demo-detector.onnx';

/**
 * Writes `demo-detector.onnx` into `dir` (created if missing) and returns the model's path. When the
 * file already holds the same bytes it is left untouched; otherwise it is replaced atomically (a
 * temporary file, then a rename), so a concurrent reader never sees a half-written model.
 */
export async function writeDemoRocket(dir: string): Promise<string> {
  const path = join(dir, DEMO_MODEL_FILE);
  const bytes = buildDemoDetector();
  const existing = await readFile(path).catch(() => undefined);
  if (existing && Buffer.compare(existing, bytes) === 0) return path;
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
  return path;
}
