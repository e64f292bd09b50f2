// YOLO11n-pose (weight-only int8) served from a rocket directory: its metadata was lost, so the
// manifest says task pose and the keypoint shape. Answers are checked against ../shared/README.md's
// known answers (score ≥ 0.25, NMS 0.7).
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { json, postImage } from './helpers/http.js';
import { writeRocketDir } from './helpers/real-rockets.js';
import { useServer } from './helpers/server.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';

noteIfNoShared('the real pose tests (YOLO11n-pose)');

const image = (name: string) => readFileSync(shared('images', name));

interface PoseKeypoint {
  name: string;
  x: number;
  y: number;
  score: number;
}
interface PoseDet {
  label: string;
  confidence: number;
  box: { x1: number; y1: number; x2: number; y2: number };
  keypoints: PoseKeypoint[];
}

/** A known person: its box (xyxy) and some keypoints as [x, y] in image pixels. */
interface KnownPerson {
  box: [number, number, number, number];
  keypoints: Record<string, [number, number]>;
}

const ZIDANE: KnownPerson[] = [
  { box: [133.5, 204.7, 1043.7, 706.7], keypoints: { nose: [645.3, 359.0], left_wrist: [961.5, 523.7] } },
  { box: [744.6, 39.8, 1157.9, 714.5], keypoints: { nose: [992.6, 193.4] } },
];
const BUS_PERSON: KnownPerson = {
  box: [221.4, 407.4, 338.3, 863.6],
  keypoints: { nose: [294.2, 446.8], left_ankle: [296.0, 787.2] },
};

/** The detection whose box is nearest the known box; its keypoints within `tolerance` px. */
function expectPerson(detections: PoseDet[], known: KnownPerson, tolerance: number) {
  const distance = (d: PoseDet) =>
    Math.max(
      ...[d.box.x1, d.box.y1, d.box.x2, d.box.y2].map((v, i) => Math.abs(v - (known.box[i] as number))),
    );
  const found = [...detections].sort((a, b) => distance(a) - distance(b))[0];
  expect(found, JSON.stringify(detections)).toBeDefined();
  const person = found as PoseDet;
  expect(person.label).toBe('person');
  expect(distance(person)).toBeLessThanOrEqual(tolerance);
  expect(person.keypoints).toHaveLength(17);
  for (const [name, [x, y]] of Object.entries(known.keypoints)) {
    const k = person.keypoints.find((p) => p.name === name);
    expect(k, name).toBeDefined();
    expect(Math.hypot((k as PoseKeypoint).x - x, (k as PoseKeypoint).y - y), name).toBeLessThanOrEqual(
      tolerance,
    );
  }
}

describe.skipIf(!hasShared)('YOLO11n-pose with task pose and keypoints.shape in rocket.json', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeRocketDir('pose', {
      'rocket.json': {
        model: shared('models', 'pose', 'yolo11n-pose_w8_640.onnx'),
        task: 'pose',
        labels: 'labels.json',
        keypoints: { shape: [17, 3] },
      },
      'labels.json': ['person'],
    }),
  }));

  it('zidane.jpg: both persons, their noses and the left wrist within 10 px of the known answers', async () => {
    const body = await json(await postImage(server().url, image('zidane.jpg')));
    expect(body.task).toBe('pose');
    const people = (body.detections as PoseDet[]).filter((d) => d.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(2);
    for (const known of ZIDANE) expectPerson(people, known, 10);
  });

  it('bus.jpg: 3 persons at 0.88 or more, one with the known nose and left ankle', async () => {
    const body = await json(await postImage(server().url, image('bus.jpg')));
    const confident = (body.detections as PoseDet[]).filter((d) => d.confidence >= 0.88);
    expect(confident.map((d) => d.label)).toEqual(['person', 'person', 'person']);
    expectPerson(confident, BUS_PERSON, 10);
  });

  it('format=image answers a JPEG of the photo', async () => {
    const res = await postImage(server().url, image('zidane.jpg'), '?format=image');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1280, 720]);
  });
});
