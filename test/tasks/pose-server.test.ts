// Pose models built in code, served: the keypoints of known anchors come back in the photo's
// pixels through the letterbox, format=image draws them, the playground is told the skeleton,
// and a visibility of 3 is OUTPUT_INVALID, not an answer.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { DEMO_SIZE, letterbox, toOriginal, ultralyticsNames, writeRocketDir } from '../helpers/detectors.js';
import { json, postImage } from '../helpers/http.js';
import { buildPoseModel, keypointLine, type PoseAnchor } from '../helpers/pose-models.js';
import { useServer } from '../helpers/server.js';

const INPUT = { width: 320, height: 320 };
const TOTAL = 64;
const NAMES = ['tip', 'joint', 'base', 'wrist'];
// 640×480 → 320×240 letterboxed into 320×320: scale 0.5, 40 px of padding on top.
const MAPPING = letterbox(DEMO_SIZE, INPUT);

const HAND: PoseAnchor = {
  box: [160, 150, 100, 120],
  scores: [0.2, 0.85],
  keypoints: keypointLine(4, [130, 100], [10, 25], (j) => 0.25 * (j + 1)),
};
const MANIFEST = {
  task: 'pose',
  keypoints: {
    shape: [4, 3],
    names: NAMES,
    skeleton: [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
  },
};

let image: Buffer;
beforeAll(async () => {
  image = await renderDemoScene(demoScenes.shapes, { format: 'png' });
});

describe('a generated pose head with keypoints in rocket.json', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocketDir(
      buildPoseModel(INPUT, [HAND], TOTAL, { names: ultralyticsNames(['paw', 'hand']) }),
      MANIFEST,
    ),
  }));

  it("answers each detection with its named keypoints in the photo's pixels", async () => {
    const body = await json(await postImage(server().url, image));
    expect(body.task).toBe('pose');
    expect(body.detections).toHaveLength(1);
    expect(body.detections[0]).toMatchObject({ label: 'hand', class: 1, confidence: 0.85 });
    expect(body.detections[0].keypoints).toEqual(
      HAND.keypoints.map(([x, y, v], j) => {
        const p = toOriginal(MAPPING, x as number, y as number);
        return { name: NAMES[j], x: expect.closeTo(p.x, 1), y: expect.closeTo(p.y, 1), score: v };
      }),
    );
  });

  it('draws them with format=image, and tells the playground the names and skeleton', async () => {
    const res = await postImage(server().url, image, '?format=image');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', DEMO_SIZE.width, DEMO_SIZE.height]);
    const playground = await json(await fetch(`${server().url}/playground.json`));
    expect(playground).toMatchObject({
      task: 'pose',
      panels: ['image-input', 'controls', 'confidence-control', 'iou-control', 'detect-view'],
      keypointNames: NAMES,
      skeleton: MANIFEST.keypoints.skeleton,
    });
  });
});

describe('a generated pose head whose visibility is 3', () => {
  const broken: PoseAnchor = {
    ...HAND,
    keypoints: HAND.keypoints.map((k, j) => (j === 2 ? [k[0] as number, k[1] as number, 3] : k)),
  };
  const server = useServer('npm start server', () => ({
    // Gated: the warm-up sees zeros, so the model loads and the request sees the 3.
    ROCKET_URL: writeRocketDir(
      buildPoseModel(INPUT, [broken], TOTAL, { names: ultralyticsNames(['paw', 'hand']) }, true),
      MANIFEST,
    ),
  }));

  it('answers 500 OUTPUT_INVALID naming the visibility', async () => {
    const res = await postImage(server().url, image);
    const body = await json(res);
    expect(res.status).toBe(500);
    expect(body.error.code).toBe('OUTPUT_INVALID');
    expect(body.error.message).toContain(
      'output output0 read as yolov8-pose gave a keypoint visibility of 3',
    );
  });
});
