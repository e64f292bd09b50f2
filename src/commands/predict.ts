import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { RocketApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/options.js';
import { RocketError } from '../errors.js';
import { parseProcessParams } from '../http/params.js';
import { createLogger } from '../log.js';
import { fieldsOf, resultJson } from '../pipeline/pipeline.js';
import { applyProcessSettings } from '../process-settings.js';
import { imageFamilyOf } from '../tasks/registry.js';
import { QUERY_FLAG_HELP, QUERY_FLAG_OPTIONS, queryFromFlags } from './query-flags.js';
import type { Command } from './types.js';
import { UsageError } from './usage.js';

/**
 * `rocket predict <image>`: loads the rocket once (the same RocketApp and pipeline the server
 * uses), runs one image, and prints the response JSON, or writes the annotated JPEG with --out.
 */
export const predictCommand: Command = {
  help: `Usage: rocket predict <image> [--rocket URL] [--out FILE] [options]

Loads the rocket (ROCKET_URL from config.ini or the environment, or --rocket), runs it on one
image (JPEG, PNG, WebP, GIF, TIFF, AVIF or BMP) and prints the same JSON as POST /process.
With --out, writes the picture format=image gives instead: the photo with its detections,
masks, keypoints, rotated boxes or class overlay drawn (JPEG), or the image an image-to-image
rocket makes. Classify and tabular rockets answer JSON only.
Remote rockets are downloaded into CACHE_DIR first, with progress on a terminal.

Options:
  --rocket <url>          The rocket: a .onnx file, a rocket directory, https://, gs://, s3://,
                          hf:// or owner/name[@version] (default: ROCKET_URL, else the demo rocket)
  --out <file>            Write the annotated JPEG here instead of printing JSON
${QUERY_FLAG_HELP}
  --config <file>         Read this config.ini instead of ./config.ini
  -h, --help              Show this help
`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rocket: { type: 'string' },
        out: { type: 'string' },
        config: { type: 'string' },
        ...QUERY_FLAG_OPTIONS,
      },
    });
    const [imagePath, ...extra] = positionals;
    if (!imagePath || extra.length > 0) throw new UsageError('Expected one image', predictCommand.help);
    const query = queryFromFlags(values);
    const bytes = await readFile(imagePath).catch((err: Error) => {
      throw new RocketError('INPUT_UNREADABLE', `Cannot read image ${imagePath}: ${err.message}`);
    });
    const base = loadConfig({ file: values.config });
    const config: Config = Object.freeze({
      ...base,
      ROCKET_URL: values.rocket ?? base.ROCKET_URL,
      WORKERS: base.WORKERS || 1,
    });
    const log = createLogger(base.LOG_LEVEL === 'debug' ? 'debug' : 'warn', (l) => process.stderr.write(l));
    applyProcessSettings();
    const app = new RocketApp(config, log);
    try {
      await app.ready;
      const pipeline = app.pipeline();
      const family = imageFamilyOf(pipeline.spec.task);
      const { thresholds, options } = parseProcessParams(query, family);
      // The picture a family draws (detections on the photo), else the image it produces.
      const render = family.renderers.image ?? family.renderers.png;
      if (values.out !== undefined && !render) {
        throw new Error(
          `--out writes an image, but rocket ${pipeline.spec.name} (${family.task}) answers JSON only`,
        );
      }
      const result = await pipeline.process(bytes, thresholds, undefined, options);
      if (values.out === undefined || !render) {
        process.stdout.write(`${JSON.stringify(await resultJson(family, result, options), null, 2)}\n`);
        return;
      }
      const { body } = await render({
        spec: pipeline.imageSpec(),
        upload: bytes,
        fields: fieldsOf(result),
        maxPixels: config.MAX_PIXELS,
        options,
      });
      await writeFile(values.out, body);
      process.stdout.write(`Wrote ${values.out}\n`);
    } finally {
      await app.close();
    }
  },
};
