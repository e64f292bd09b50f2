import { extname } from 'node:path';
import { RocketError } from '../errors.js';
import { parseProcessParams } from '../http/params.js';
import { fieldsOf, type RocketPipeline, resultJson } from '../pipeline/pipeline.js';
import type { TabularSpec } from '../rocket/types.js';
import { rowsFromCsv, rowsFromJson } from '../tabular/rows.js';
import { imageFamilyOf } from '../tasks/registry.js';
import type { BatchInput } from './inputs/index.js';

/** What one input gave: its /process JSON and, with --images, the image to write (name relative to OUTPUT). */
export interface Processed {
  result: unknown;
  image?: { name: string; body: Buffer; contentType: string };
}

/** Runs one input's bytes through the rocket. */
export type ProcessInput = (input: BatchInput, bytes: Buffer) => Promise<Processed>;

const EXTENSIONS: Record<string, readonly string[]> = {
  'image/jpeg': ['.jpg', '.jpeg', '.jpe'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
};

/**
 * Where a rendered image of an input goes: `images/<name>`, with the extension of its format
 * added when the input's is another (`a.png` drawn as a JPEG → `images/a.png.jpg`), so two inputs
 * never share an output.
 */
export function imageName(name: string, contentType: string): string {
  const extensions = EXTENSIONS[contentType] ?? [];
  const own = extensions.includes(extname(name).toLowerCase());
  return `images/${name}${own || !extensions[0] ? '' : extensions[0]}`;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RocketError('INVALID_INPUT', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The rows of a tabular input, as POST /process reads them: `.json` a body `{"inputs": [...]}`,
 * `.jsonl` / `.ndjson` one row per line (an array, or an object of named fields), else CSV.
 */
function rowsOf(name: string, text: string, tab: TabularSpec): number[][] {
  const ext = extname(name).toLowerCase();
  if (ext === '.json') return rowsFromJson(parseJson(text, 'The file'), tab);
  if (ext === '.jsonl' || ext === '.ndjson') {
    const inputs = text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line !== '')
      .map(({ line, i }) => parseJson(line, `Line ${i + 1}`));
    return rowsFromJson({ inputs }, tab);
  }
  return rowsFromCsv(text, tab);
}

/**
 * How a batch runs one input: through the same pipeline as POST /process, with the query `query`
 * validated once, here, against the rocket's task (as a request's query string is). An image's
 * result is its /process JSON; with `images`, the picture its family draws (the photo annotated,
 * or the image an image-to-image rocket makes) too. A tabular input (CSV or JSON rows) gives the
 * /process JSON of those rows.
 * @throws RocketError INVALID_PARAMETER / UNKNOWN_PARAMETER for the query (`format` included:
 * results are JSON); Error when `images`
 * is asked of a rocket that draws nothing
 */
export function inputProcessor(
  pipeline: RocketPipeline,
  query: URLSearchParams,
  { images, maxPixels }: { images: boolean; maxPixels: number },
): ProcessInput {
  const spec = pipeline.spec;
  if (spec.input === 'rows') {
    if (images)
      throw new Error(`--images writes images, but rocket ${spec.name} (tabular) answers JSON only`);
    if ([...query.keys()].length > 0) {
      throw new RocketError(
        'UNKNOWN_PARAMETER',
        'A tabular rocket takes no query parameters: its rows are the files',
      );
    }
    return async ({ name }, bytes) => {
      if (bytes.length === 0) throw new RocketError('EMPTY_INPUT', 'The file is empty');
      return { result: await pipeline.predict(rowsOf(name, bytes.toString('utf8'), spec.tabular)) };
    };
  }
  const family = imageFamilyOf(spec.task);
  const { thresholds, format, options } = parseProcessParams(query, family);
  if (format !== undefined) {
    throw new RocketError(
      'UNKNOWN_PARAMETER',
      'rocket batch writes JSON lines: leave out format (--images writes the pictures)',
    );
  }
  const render = images ? (family.renderers.image ?? family.renderers.png) : undefined;
  if (images && !render) {
    throw new Error(`--images writes images, but rocket ${spec.name} (${family.task}) answers JSON only`);
  }
  return async ({ name }, bytes) => {
    if (bytes.length === 0) throw new RocketError('EMPTY_INPUT', 'The file is empty');
    const result = await pipeline.process(bytes, thresholds, undefined, options);
    const json = await resultJson(family, result, options);
    if (!render) return { result: json };
    const { body, contentType } = await render({
      spec,
      upload: bytes,
      fields: fieldsOf(result),
      maxPixels,
      options,
    });
    return { result: json, image: { name: imageName(name, contentType), body, contentType } };
  };
}
