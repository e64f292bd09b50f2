// Oriented boxes through the running server: an obb rocket made in code (manifest task and labels
// file, or Ultralytics' metadata alone) answers the rotated boxes worked out by hand, in JSON and
// drawn with format=image.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes/index.js';
import { buildOpenApi } from '../../src/openapi/document.js';
import { obb } from '../../src/tasks/obb/family.js';
import { writeModel } from '../helpers/families.js';
import { json, postImage } from '../helpers/http.js';
import {
  buildObbModel,
  OBB_ANCHORS,
  OBB_ANSWERS,
  OBB_INPUT,
  OBB_LABELS,
  obbDetectionsMatching,
  writeObbRocket,
} from '../helpers/obb-models.js';
import { useServer } from '../helpers/server.js';
import { meanDiff, rgbOf } from '../image/pixels.js';
import { componentValidator } from '../openapi/validate.js';

/** The OpenAPI document's schema of an obb /process answer. */
const validObbResponse = componentValidator(buildOpenApi(ROUTES), 'ObbResponse');

/** A 640×480 PNG: the rocket's answers are worked out for that size (letterbox scale 0.5, 40 px pad). */
let photo: Buffer;
beforeAll(async () => {
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#dcdcdc' } })
    .png()
    .toBuffer();
});

describe('an obb rocket (rocket.json task obb, labels file, no metadata)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeObbRocket() }));

  it('answers the oriented boxes and corners worked out by hand, as OpenAPI documents them', async () => {
    const res = await postImage(server().url, photo, '', 'photo.png');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.task).toBe('obb');
    expect(body.rocket.name).toBe('obb-constant');
    expect(body.image).toEqual({ width: 640, height: 480 });
    expect(body.detections).toEqual(obbDetectionsMatching(OBB_ANSWERS));
    expect([validObbResponse(body), validObbResponse.errors]).toEqual([true, null]);
    const xyxy = { ...body.detections[0], box: { x1: 100, y1: 100, x2: 220, y2: 140 } };
    expect(validObbResponse({ ...body, detections: [xyxy] })).toBe(false);
  });

  it('takes the thresholds: iou=0.1 drops the −45° arm of the cross, the playground query changes nothing', async () => {
    const strict = await json(await postImage(server().url, photo, '?iou=0.1', 'photo.png'));
    expect(strict.detections).toEqual(
      obbDetectionsMatching(OBB_ANSWERS.filter((a) => a.confidence !== 0.55)),
    );
    const query = new URLSearchParams(obb.playground.query as Record<string, string>).toString();
    const playground = await json(await postImage(server().url, photo, `?${query}`, 'photo.png'));
    expect(playground.detections).toEqual(obbDetectionsMatching(OBB_ANSWERS));
  });

  it('draws the rotated boxes with format=image', async () => {
    const res = await postImage(server().url, photo, '?format=image', 'photo.png');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const drawn = Buffer.from(await res.arrayBuffer());
    const [before, after] = await Promise.all([rgbOf(photo), rgbOf(drawn)]);
    expect([after.width, after.height]).toEqual([640, 480]);
    // Each outline's corners are drawn over (a 2 px line at this size); the centres are not.
    for (const a of OBB_ANSWERS) {
      const near =
        ([cx, cy]: [number, number], r: number) =>
        (x: number, y: number) =>
          Math.abs(x + 0.5 - cx) <= r && Math.abs(y + 0.5 - cy) <= r;
      for (const corner of a.corners)
        expect(meanDiff(after, before, near(corner, 1)), a.label).toBeGreaterThan(30);
    }
    const centre = OBB_ANSWERS[0]?.box as { cx: number; cy: number };
    expect(meanDiff(after, before, (x, y) => Math.hypot(x - centre.cx, y - centre.cy) < 8)).toBeLessThan(4);
  });
});

describe('an Ultralytics -obb export alone (metadata task: obb and names)', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeModel(buildObbModel(OBB_INPUT, OBB_ANCHORS, OBB_LABELS)),
  }));

  it('is served zero-config with the same answers', async () => {
    const body = await json(await postImage(server().url, photo, '', 'photo.png'));
    expect(body.task).toBe('obb');
    expect(body.detections).toEqual(obbDetectionsMatching(OBB_ANSWERS));
  });
});
