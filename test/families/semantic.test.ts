// Semantic segmentation end to end with models made in code (known answers by construction):
// through the HTTP server (JSON, map=png, format=mask, format=image, parameters, playground), and
// in process for NHWC, argmaxed class maps, multi-label sigmoid and letterbox vs stretch.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RocketApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { semantic } from '../../src/tasks/semantic/family.js';
import type { SemanticFields } from '../../src/tasks/semantic/head.js';
import { json, multipart, postImage } from '../helpers/http.js';
import { writeRocketDir } from '../helpers/real-rockets.js';
import {
  type Block,
  blocksImage,
  buildSegmenter,
  COLOUR_CLASSES,
  idShares,
  LABEL_CLASSES,
  maskIds,
  type SegmenterOptions,
} from '../helpers/semantic-models.js';
import { useServer } from '../helpers/server.js';

/** A rocket directory: a segmenter of `size`, its labels and the manifest fields given. */
function writeSegmenter(size: number, options: SegmenterOptions, manifest: Record<string, unknown> = {}) {
  const labels = options.scores === 'labels' ? LABEL_CLASSES : COLOUR_CLASSES;
  const dir = writeRocketDir('semantic', {
    'rocket.json': { model: 'seg.onnx', labels: 'labels.json', ...manifest },
  });
  writeFileSync(join(dir, 'seg.onnx'), buildSegmenter(size, options));
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels));
  return dir;
}

const RED: Block['rgb'] = [255, 0, 0];
const GREEN: Block['rgb'] = [0, 255, 0];
const BLUE: Block['rgb'] = [0, 0, 255];

/**
 * 32×32 in blocks of 8 pixels: red top-left quarter, green top-right eighth, blue bottom quarter,
 * the rest black (background).
 */
const QUARTERS: Block[] = [
  { rgb: RED, x: [0, 16], y: [0, 16] },
  { rgb: GREEN, x: [16, 32], y: [0, 8] },
  { rgb: BLUE, x: [0, 32], y: [24, 32] },
];
const QUARTER_SHARES = [
  { label: 'background', class: 0, fraction: 0.375 },
  { label: 'red', class: 1, fraction: 0.25 },
  { label: 'blue', class: 3, fraction: 0.25 },
  { label: 'green', class: 2, fraction: 0.125 },
];

describe('a zero-config NCHW segmenter at half resolution, through the server', () => {
  // 16×16 input, 8×8 output: each output pixel covers 4×4 pixels of a 32×32 upload.
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeSegmenter(16, { stride: 2 }) }));

  it('answers JSON with each class share, largest first, and no class map unless asked', async () => {
    const body = await json(await postImage(server().url, await blocksImage(32, 32, QUARTERS), '', 'q.png'));
    expect(body).toMatchObject({ task: 'semantic', image: { width: 32, height: 32 } });
    expect(body.classes).toEqual(QUARTER_SHARES);
    expect(body).not.toHaveProperty('map');
    expect(body).not.toHaveProperty('classMap');
  });

  it('adds the class map as a base64 palette PNG with map=png', async () => {
    const res = await postImage(
      server().url,
      await blocksImage(32, 32, QUARTERS),
      '?map=png&minFraction=0',
      'q.png',
    );
    const body = await json(res);
    expect(body.map).toMatchObject({ width: 32, height: 32, contentType: 'image/png' });
    const { ids } = await maskIds(Buffer.from(body.map.data, 'base64'));
    expect(Object.fromEntries(idShares(ids))).toEqual({ 0: 0.375, 1: 0.25, 2: 0.125, 3: 0.25 });
  });

  it('format=mask: a PNG of class ids at the original size whose histogram gives the same shares', async () => {
    const res = await postImage(server().url, await blocksImage(32, 32, QUARTERS), '?format=mask', 'q.png');
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect((await sharp(png).metadata()).isPalette).toBe(true);
    const { ids, width, height } = await maskIds(png);
    expect([width, height]).toEqual([32, 32]);
    expect(ids[0]).toBe(1); // top-left: red
    expect(ids[31]).toBe(2); // top-right: green
    expect(ids[32 * 31]).toBe(3); // bottom-left: blue
    for (const { class: id, fraction } of QUARTER_SHARES) expect(idShares(ids).get(id)).toBe(fraction);
  });

  it('format=image: the photo with the colours overlaid, as a JPEG of its size', async () => {
    const res = await postImage(server().url, await blocksImage(32, 32, QUARTERS), '?format=image', 'q.png');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 32, 32]);
  });

  it('answers several files with a JSON array', async () => {
    const image = await blocksImage(32, 32, QUARTERS);
    const { body, contentType } = multipart([
      { name: 'input', filename: 'a.png', data: image, type: 'image/png' },
      { name: 'input', filename: 'b.png', data: image, type: 'image/png' },
    ]);
    const res = await fetch(`${server().url}/process`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const results = await json(res);
    expect(results.map((r: { classes: unknown }) => r.classes)).toEqual([QUARTER_SHARES, QUARTER_SHARES]);
  });

  it.each([
    ['?minFraction=2', 'INVALID_PARAMETER'],
    ['?map=jpeg', 'INVALID_PARAMETER'],
    ['?format=png', 'INVALID_PARAMETER'],
    ['?topk=3&masks=rle', 'UNKNOWN_PARAMETER'],
  ])('%s → 400 %s', async (query, code) => {
    const res = await postImage(server().url, await blocksImage(8, 8, []), query, 'x.png');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe(code);
  });

  it('tells the playground its panels, query and a palette colour per label', async () => {
    const body = await json(await fetch(`${server().url}/playground.json`));
    expect(body).toMatchObject({
      task: 'semantic',
      panels: ['image-input', 'semantic-view'],
      query: { map: 'png', minFraction: 0 },
      palette: ['#000000', '#800000', '#008000', '#808000', '#000080'],
    });
  });
});

describe('segmenters in process', () => {
  let app: RocketApp | undefined;
  afterAll(() => app?.close());

  /** The fields of one image through a rocket directory. */
  async function segment(dir: string, image: Buffer, options: Record<string, unknown> = {}) {
    await app?.close();
    app = new RocketApp(loadConfig({ env: { ROCKET_URL: dir, WORKERS: '1' } }), createLogger('error'));
    await app.ready;
    const result = await app.pipeline().process(image, {}, undefined, options);
    return { spec: app.pipeline().spec, fields: result as unknown as SemanticFields };
  }

  let quarters: Buffer;
  beforeAll(async () => {
    quarters = await blocksImage(32, 32, QUARTERS);
  });

  it('reads a zero-config NHWC segmenter (its input is NHWC)', async () => {
    const { spec, fields } = await segment(writeSegmenter(16, { layout: 'nhwc' }), quarters);
    expect(spec).toMatchObject({ task: 'semantic', preprocess: { layout: 'nhwc' } });
    expect(fields.classes).toEqual(QUARTER_SHARES);
  });

  it('reads an int64 class map the model argmaxed, with task: semantic', async () => {
    const dir = writeSegmenter(16, { head: 'argmax' }, { task: 'semantic' });
    const { spec, fields } = await segment(dir, quarters);
    expect(spec).toMatchObject({ outputFormat: 'class-map' });
    expect(fields.classes).toEqual(QUARTER_SHARES);
  });

  it('reads multi-label sigmoid masks that overlap; the mask shows the highest class, else void', async () => {
    const dir = writeSegmenter(
      16,
      { head: 'sigmoid', scores: 'labels' },
      { task: 'semantic', output: { activation: 'sigmoid' } },
    );
    // Lime (red and green, green higher), black (dark), grey 100 (nothing).
    const image = await blocksImage(16, 16, [
      { rgb: [200, 255, 0], x: [0, 8], y: [0, 16] },
      { rgb: [100, 100, 100], x: [12, 16], y: [0, 16] },
    ]);
    const { spec, fields } = await segment(dir, image);
    expect(fields.classes).toEqual([
      { label: 'red', class: 0, fraction: 0.5 },
      { label: 'green', class: 1, fraction: 0.5 },
      { label: 'dark', class: 3, fraction: 0.25 },
    ]);
    if (spec.input !== 'image') throw new Error('expected an image rocket');
    const mask = await semantic.renderers.mask?.({
      spec,
      upload: image,
      fields,
      maxPixels: 1e6,
      options: {},
    });
    const { ids } = await maskIds(mask?.body as Buffer);
    expect([ids[0], ids[8], ids[12]]).toEqual([1, 3, 255]);
  });

  it('letterbox and stretch give the same shares: the pad (read as red) is no pixel of the image', async () => {
    // 32×16, left half green, right half black, into a 16×16 input.
    const image = await blocksImage(32, 16, [{ rgb: GREEN, x: [0, 16], y: [0, 16] }]);
    const halves = [
      { label: 'background', class: 0, fraction: 0.5 },
      { label: 'green', class: 2, fraction: 0.5 },
    ];
    const stretched = await segment(writeSegmenter(16, {}), image);
    expect(stretched.fields.classes).toEqual(halves);
    const boxed = await segment(writeSegmenter(16, {}, { preprocess: { resize: 'letterbox' } }), image, {
      minFraction: 0,
    });
    expect(boxed.spec).toMatchObject({ preprocess: { resize: 'letterbox' } });
    expect(boxed.fields.classes).toEqual(halves);
    expect(boxed.fields.classMap).toMatchObject({ width: 32, height: 16 });
  });
});
