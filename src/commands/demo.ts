import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoScenes, renderDemoScene } from '../demo/images.js';
import { writeDemoRegressionRocket } from '../demo/regression.js';
import { writeDemoRocket } from '../demo/rocket.js';
import type { Command } from './types.js';

/** `rocket demo`: writes the demo detector and one JPEG per built-in demo scene. */
export const demoCommand: Command = {
  help: `Usage: rocket demo [--out DIR]

Writes demo-detector.onnx, one JPEG per demo scene (shapes.jpg, near.jpg, ...) and the demo
regression rocket (regression/, y = 949.4·f + 152.1) into DIR.

Options:
  --out <dir>   Output directory (default build/demo)
  -h, --help    Show this help
`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string', default: join('build', 'demo') } },
    });
    const out = values.out;
    await mkdir(out, { recursive: true });
    const model = await writeDemoRocket(out);
    const images = await Promise.all(
      Object.values(demoScenes).map(async (scene) => {
        const path = join(out, `${scene.name}.jpg`);
        await writeFile(path, await renderDemoScene(scene, { format: 'jpeg', quality: 90 }));
        return path;
      }),
    );
    const regression = await writeDemoRegressionRocket(join(out, 'regression'));
    process.stdout.write(`${[model, ...images, regression].join('\n')}\n`);
  },
};
