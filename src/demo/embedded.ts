import { accessSync, constants, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../package.js';
import { writeDemoRocket } from './rocket.js';

/** Where the generated demo rocket lives: build/demo in the package, or a temp dir when read-only. */
export function demoRocketDir(): string {
  const inPackage = join(packageRoot(), 'build', 'demo');
  try {
    mkdirSync(inPackage, { recursive: true });
    accessSync(inPackage, constants.W_OK);
    return inPackage;
  } catch {
    return join(tmpdir(), 'rocketserve-demo');
  }
}

/** Generates the embedded demo detector if needed and returns the path of its .onnx file. */
export async function ensureDemoRocket(): Promise<string> {
  return writeDemoRocket(demoRocketDir());
}
