// DeepLabV3 MobileNetV2 (PASCAL VOC 21, NHWC) through a running server against the known class
// shares of ../shared/README.md, the class map PNG and the overlay.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { json, postImage } from './helpers/http.js';
import { writeRocketDir } from './helpers/real-rockets.js';
import { idShares, maskIds } from './helpers/semantic-models.js';
import { useServer } from './helpers/server.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';

noteIfNoShared('the real semantic segmentation tests (DeepLabV3)');

/** Known shares of the image's pixels per class (../shared/README.md, "Known answers"). */
const KNOWN: Record<string, Record<string, number>> = {
  'bus.jpg': { background: 0.582, bus: 0.283, person: 0.134 },
  'zidane.jpg': { background: 0.556, person: 0.444 },
  'street_people_dog_cars.jpg': { background: 0.642, person: 0.24, car: 0.102, dog: 0.009 },
};

interface Share {
  label: string;
  class: number;
  fraction: number;
}

/** DeepLabV3 as a rocket: the family's stretch to 257×257 with pixel / 127.5 − 1, and the VOC labels. */
const deeplabRocket = () =>
  writeRocketDir('deeplab', {
    'rocket.json': {
      model: shared('models', 'segmentation', 'deeplabv3_mnv2_voc_257_nhwc.onnx'),
      labels: shared('models', 'segmentation', 'voc21.txt'),
      preprocess: { scale: 1, mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] },
    },
  });

const photo = (name: string) => readFileSync(shared('images', name));

describe.skipIf(!hasShared)('DeepLabV3 MobileNetV2 (VOC 21, NHWC 257)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: deeplabRocket() }));

  it.each(Object.keys(KNOWN))('%s: class shares within 0.01 of the known answers', async (name) => {
    const body = await json(await postImage(server().url, photo(name)));
    expect(body.task).toBe('semantic');
    const shares = new Map((body.classes as Share[]).map((c) => [c.label, c.fraction]));
    for (const [label, fraction] of Object.entries(KNOWN[name] ?? {})) {
      expect(
        Math.abs((shares.get(label) ?? 0) - fraction),
        `${label} in ${JSON.stringify(body.classes)}`,
      ).toBeLessThanOrEqual(0.01);
    }
    const fractions = (body.classes as Share[]).map((c) => c.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => b - a));
  });

  it('format=mask on bus.jpg: a palette PNG at 810×1080 whose histogram gives the JSON shares', async () => {
    const body = await json(await postImage(server().url, photo('bus.jpg'), '?minFraction=0'));
    const res = await postImage(server().url, photo('bus.jpg'), '?format=mask');
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect((await sharp(png).metadata()).isPalette).toBe(true);
    const { ids, width, height } = await maskIds(png);
    expect([width, height]).toEqual([810, 1080]);
    const histogram = idShares(ids);
    expect(histogram.has(-1)).toBe(false);
    for (const c of body.classes as Share[]) expect(histogram.get(c.class)).toBeCloseTo(c.fraction, 4);
    expect([...histogram.keys()].sort()).toEqual((body.classes as Share[]).map((c) => c.class).sort());
    for (const [label, fraction] of Object.entries(KNOWN['bus.jpg'] ?? {})) {
      const id = (body.classes as Share[]).find((c) => c.label === label)?.class as number;
      expect(Math.abs((histogram.get(id) ?? 0) - fraction)).toBeLessThanOrEqual(0.01);
    }
  });

  it('format=image on zidane.jpg: the overlay as a 1280×720 JPEG', async () => {
    const res = await postImage(server().url, photo('zidane.jpg'), '?format=image');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1280, 720]);
  });
});
