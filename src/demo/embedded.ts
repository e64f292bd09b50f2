import { accessSync, constants, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemoRocket } from './rocket.js';

/** The package root: the nearest directory above this module that holds package.json. */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join('dist', 'src')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
}

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
  const dir = demoRocketDir();
  mkdirSync(dir, { recursive: true });
  return writeDemoRocket(dir);
}
