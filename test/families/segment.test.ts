// A segment rocket made in code (test/helpers/segment-models.ts) through the running server: the
// masks worked out by hand come back as polygons, as RLE or not at all, the answer matches its
// OpenAPI schema, and format=image fills the masks over the photo.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes/index.js';
import { buildOpenApi } from '../../src/openapi/document.js';
import { decodeRle } from '../../src/tasks/segment/rle.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import {
  buildSegmentModel,
  type MaskRect,
  rectRing,
  ringsPixels,
  SEG_DEMO_ANCHORS,
} from '../helpers/segment-models.js';
import { useServer } from '../helpers/server.js';
import { componentValidator } from '../openapi/validate.js';

/** The photo: 640×480 grey, letterboxed to 320×240 with 40 px of padding on top. */
const GREY = 120;
/**
 * The masks on it, in input pixels, and their contours placed on the photo: input (x, y) is
 * original (2x + 0.5, 2y − 79.5) (see test/tasks/segment-head.test.ts for how they are worked out).
 */
const CAT: MaskRect = { x1: 40, y1: 80, x2: 99, y2: 159, boxCut: ['right'] };
const DOG: MaskRect[] = [
  { x1: 200, y1: 200, x2: 239, y2: 219 },
  { x1: 260, y1: 200, x2: 279, y2: 219 },
];
const place = ([x, y]: [number, number]): [number, number] => [2 * x + 0.5, 2 * y - 79.5];
const CAT_RINGS = [rectRing(CAT, place)];
const DOG_RINGS = DOG.map((r) => rectRing(r, place));
const CAT_AREA = ringsPixels(CAT_RINGS, 640, 480);
const DOG_AREA = ringsPixels(DOG_RINGS, 640, 480);

describe('a generated segment rocket (task: segment metadata, zero config)', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildSegmentModel(SEG_DEMO_ANCHORS)),
  }));
  let photo: Buffer;
  beforeAll(async () => {
    photo = await sharp({
      create: { width: 640, height: 480, channels: 3, background: { r: GREY, g: GREY, b: GREY } },
    })
      .png()
      .toBuffer();
  });

  it('is served as segment and answers polygons and areas by default, valid against OpenAPI', async () => {
    const health = await json(await fetch(`${server().url}/health`));
    expect(health.rocket.task).toBe('segment');
    const body = await json(await postImage(server().url, photo, '', 'grey.png'));
    expect(body).toMatchObject({ task: 'segment', image: { width: 640, height: 480 } });
    expect(body.detections).toEqual([
      {
        label: 'cat',
        class: 0,
        confidence: 0.9,
        box: { x1: 60, y1: 60, x2: 200, y2: 260 },
        area: CAT_AREA,
        polygons: CAT_RINGS,
      },
      expect.objectContaining({ label: 'dog', area: DOG_AREA, polygons: DOG_RINGS }),
      expect.objectContaining({ label: 'cat', confidence: 0.6, area: 0, polygons: [] }),
    ]);
    const validate = componentValidator(JSON.parse(JSON.stringify(buildOpenApi(ROUTES))), 'SegmentResponse');
    expect([validate(body), validate.errors]).toEqual([true, null]);
  });

  it('masks=rle: RLE over the whole image that decodes to as many pixels as the area', async () => {
    const body = await json(await postImage(server().url, photo, '?masks=rle', 'grey.png'));
    const [cat, dog] = body.detections;
    for (const d of [cat, dog]) {
      expect(d.polygons).toBeUndefined();
      expect(d.rle.size).toEqual([480, 640]);
      expect(decodeRle(d.rle).reduce((a: number, b: number) => a + b, 0)).toBe(d.area);
    }
    expect([cat.area, dog.area]).toEqual([CAT_AREA, DOG_AREA]);
  });

  it('masks=none: areas only; another value is INVALID_PARAMETER', async () => {
    const body = await json(await postImage(server().url, photo, '?masks=none', 'grey.png'));
    expect(body.detections.map((d: { area: number }) => d.area)).toEqual([CAT_AREA, DOG_AREA, 0]);
    for (const d of body.detections) expect([d.polygons, d.rle]).toEqual([undefined, undefined]);
    const bad = await postImage(server().url, photo, '?masks=bitmap', 'grey.png');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('INVALID_PARAMETER');
  });

  it.each([
    ['', 'polygons'],
    ['&masks=rle', 'RLE'],
  ])('format=image%s fills the masks (from %s) translucent in the class colour', async (query) => {
    const res = await postImage(server().url, photo, `?format=image${query}`, 'grey.png');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const { data, info } = await sharp(Buffer.from(await res.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([640, 480]);
    const pixel = (x: number, y: number) => [...data.subarray(3 * (y * 640 + x), 3 * (y * 640 + x) + 3)];
    // Inside the cat's mask: grey under the first class colour #ff3838 at 45%.
    const tinted = [0xff, 0x38, 0x38].map((c) => 0.55 * GREY + 0.45 * c);
    pixel(140, 160).forEach((v, k) => {
      expect(Math.abs(v - (tinted[k] as number)), `channel ${k}: ${v}`).toBeLessThan(8);
    });
    // Outside every mask and box: the grey photo.
    for (const v of pixel(600, 50)) expect(Math.abs(v - GREY)).toBeLessThan(4);
  });

  it('format=image with masks=none draws boxes only', async () => {
    const res = await postImage(server().url, photo, '?format=image&masks=none', 'grey.png');
    const { data } = await sharp(Buffer.from(await res.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const at = 3 * (160 * 640 + 140);
    for (const v of data.subarray(at, at + 3)) expect(Math.abs(v - GREY)).toBeLessThan(4);
  });
});
