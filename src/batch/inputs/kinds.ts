import { extname } from 'node:path';

/** File extensions of the images rocketserve decodes (JPEG, PNG, WebP, GIF, TIFF, AVIF, BMP). */
const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.bmp',
]);
/** File extensions of rows for a tabular rocket: CSV, a JSON body {"inputs": [...]}, or JSON Lines of rows. */
const ROWS_EXTENSIONS = new Set(['.csv', '.json', '.jsonl', '.ndjson']);

/**
 * Which files of a folder or a bucket prefix are inputs of a rocket, by extension (case aside):
 * images for image rockets (and .svg with ALLOW_SVG), rows files for tabular ones. Globs and
 * listing files are taken as they are.
 */
export function inputFilter(input: 'image' | 'rows', allowSvg: boolean): (name: string) => boolean {
  const extensions = input === 'rows' ? ROWS_EXTENSIONS : IMAGE_EXTENSIONS;
  return (name) => {
    const ext = extname(name).toLowerCase();
    return extensions.has(ext) || (input === 'image' && allowSvg && ext === '.svg');
  };
}
