import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';

/** A new temporary folder (`dir`) holding the demo's shapes scene as a PNG (`scene`), for the CLI to read. */
export async function writeShapesScene(prefix: string): Promise<{ dir: string; scene: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const scene = join(dir, 'shapes.png');
  writeFileSync(scene, await renderDemoScene(demoScenes.shapes, { format: 'png' }));
  return { dir, scene };
}
