import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json, multipart, pngClaiming, postImage } from '../helpers/http.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { ENTRY_POINTS, type EntryPoint, useServer } from '../helpers/server.js';

const entries = Object.keys(ENTRY_POINTS) as EntryPoint[];

interface BadInput {
  name: string;
  request: () => Promise<{ headers: Record<string, string>; body?: Buffer; query?: string; method?: string }>;
  status: number;
  code: string;
  /** What the message must say, where it matters. */
  message?: RegExp;
}

const file = (name: string, data: Buffer | string, filename = 'image.jpg') =>
  multipart([{ name, data, filename, type: 'image/jpeg' }]);
const asRequest = ({ body, contentType }: { body: Buffer; contentType: string }) => ({
  headers: { 'content-type': contentType },
  body,
});

describe.each(entries)('HTTP end to end through %s', (entry) => {
  const server = useServer(entry, {
    MAX_UPLOAD_BYTES: String(256 * 1024),
    MAX_PIXELS: String(4_000_000),
  });
  let scene: Buffer;
  beforeAll(async () => {
    scene = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
  });

  async function expectGoodDetection(): Promise<void> {
    const res = await postImage(server().url, scene);
    expect(res.status).toBe(200);
    const body = await json(res);
    const found = body.detections.map((d: { label: string }) => d.label).sort();
    expect(found).toEqual(['blue', 'green', 'red']);
  }

  it('serves the embedded demo rocket: /health, then detections with boxes in image pixels', async () => {
    const health = await json(await fetch(`${server().url}/health`));
    expect(health).toMatchObject({
      status: 'ok',
      rocket: { name: 'demo-detector', task: 'detect' },
      executionProvider: 'cpu',
    });
    const res = await postImage(server().url, scene);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await json(res);
    expect(body).toMatchObject({
      task: 'detect',
      image: { width: 640, height: 480 },
      rocket: { name: 'demo-detector' },
    });
    for (const truth of demoScenes.shapes.objects) {
      const hit = body.detections.find((d: { label: string }) => d.label === truth.label);
      expect(hit, truth.label).toBeDefined();
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const)
        expect(Math.abs(hit.box[k] - truth.box[k])).toBeLessThanOrEqual(2);
    }
    for (const key of ['decodeMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'totalMs']) {
      expect(body.timing[key]).toBeGreaterThanOrEqual(0);
    }
  });

  it('takes a raw image body as well as multipart', async () => {
    const res = await fetch(`${server().url}/process`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: scene,
    });
    expect(res.status).toBe(200);
    expect((await json(res)).detections).toHaveLength(3);
  });

  it('applies query parameters: maxDetections and confidence', async () => {
    const one = await json(await postImage(server().url, scene, '?maxDetections=1'));
    expect(one.detections).toHaveLength(1);
    const none = await json(await postImage(server().url, scene, '?confidence=1'));
    expect(none.detections).toHaveLength(0);
  });

  const badInputs: BadInput[] = [
    {
      name: 'wrong field name',
      request: async () => asRequest(file('file', scene)),
      status: 400,
      code: 'UNEXPECTED_FIELD',
    },
    {
      name: 'empty file',
      request: async () => asRequest(file('input', Buffer.alloc(0))),
      status: 400,
      code: 'EMPTY_INPUT',
    },
    {
      name: 'empty raw body',
      request: async () => ({ headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(0) }),
      status: 400,
      code: 'EMPTY_INPUT',
    },
    { name: 'no body at all', request: async () => ({ headers: {} }), status: 400, code: 'MISSING_INPUT' },
    {
      name: 'input sent as text',
      request: async () => asRequest(multipart([{ name: 'input', data: 'photo.jpg' }])),
      status: 400,
      code: 'MISSING_INPUT',
    },
    {
      name: 'truncated JPEG',
      request: async () => asRequest(file('input', scene.subarray(0, scene.length / 2))),
      status: 422,
      code: 'IMAGE_UNDECODABLE',
    },
    {
      name: 'text file named .jpg',
      request: async () => asRequest(file('input', 'hello, I am not a picture\n'.repeat(20))),
      status: 422,
      code: 'IMAGE_UNDECODABLE',
    },
    {
      name: 'PNG header claiming 50000×50000 pixels',
      request: async () => asRequest(file('input', await pngClaiming(50_000, 50_000), 'big.png')),
      status: 422,
      code: 'IMAGE_TOO_LARGE',
    },
    {
      name: 'more files than MAX_FILES (16)',
      request: async () =>
        asRequest(
          multipart(
            Array.from({ length: 17 }, (_, k) => ({ name: 'input', filename: `${k}.jpg`, data: scene })),
          ),
        ),
      status: 400,
      code: 'TOO_MANY_FILES',
      message: /at most 16 files/,
    },
    {
      name: 'a second file in another field',
      request: async () =>
        asRequest(
          multipart([
            { name: 'input', filename: 'a.jpg', data: scene },
            { name: 'extra', filename: 'b.jpg', data: scene },
          ]),
        ),
      status: 400,
      code: 'UNEXPECTED_FIELD',
    },
    {
      name: 'non-multipart body',
      request: async () => ({ headers: { 'content-type': 'text/plain' }, body: Buffer.from('hello') }),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'JSON body',
      request: async () => ({
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"a":1}'),
      }),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'multipart without a boundary',
      request: async () => ({ headers: { 'content-type': 'multipart/form-data' }, body: Buffer.from('x') }),
      status: 400,
      code: 'MALFORMED_MULTIPART',
    },
    {
      name: 'bad query parameter value',
      request: async () => ({ ...asRequest(file('input', scene)), query: '?confidence=lots' }),
      status: 400,
      code: 'INVALID_PARAMETER',
    },
    {
      name: 'unknown query parameter',
      request: async () => ({ ...asRequest(file('input', scene)), query: '?treshold=0.5' }),
      status: 400,
      code: 'UNKNOWN_PARAMETER',
    },
    {
      name: 'upload over MAX_UPLOAD_BYTES',
      request: async () => asRequest(file('input', Buffer.alloc(300 * 1024, 1))),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'GET /process',
      request: async () => ({ headers: {}, method: 'GET' }),
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    },
  ];

  it.each(badInputs)('$name → $status $code, then the next good request works', async (bad) => {
    const { headers, body, query = '', method = 'POST' } = await bad.request();
    const res = await fetch(`${server().url}/process${query}`, { method, headers, body });
    expect(res.status).toBe(bad.status);
    const payload = await json(res);
    expect(payload.error.code).toBe(bad.code);
    expect(payload.error.message).toMatch(bad.message ?? /./);
    await expectGoodDetection();
  });

  it('answers several input files with an array of results, in order', async () => {
    const other = await renderDemoScene(demoScenes.square, { format: 'png' });
    const { body, contentType } = multipart([
      { name: 'input', filename: 'a.jpg', data: scene },
      { name: 'input', filename: 'b.png', data: other },
    ]);
    const res = await fetch(`${server().url}/process`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const results = await json(res);
    expect(results).toHaveLength(2);
    expect(results[0].image).toEqual({ width: 640, height: 480 });
    expect(results[1].image).toEqual({ width: 512, height: 512 });
    expect(results[1].detections.length).toBe(demoScenes.square.objects.length);
  });

  it('answers unknown paths with 404 ROUTE_NOT_FOUND', async () => {
    const res = await fetch(`${server().url}/nowhere`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe.each(entries)('a classifier rocket from a manifest through %s', (entry) => {
  const server = useServer(entry, () => ({ ROCKET_URL: writeColourRocket() }));

  it.each([
    [[230, 20, 20], 'red', 0],
    [[20, 200, 30], 'green', 1],
    [[10, 20, 220], 'blue', 2],
  ] as const)(
    '%j is %s, with probabilities from the softmax and labels from the manifest',
    async (rgb, label, cls) => {
      const res = await postImage(server().url, await solidImage([...rgb], 'png'), '', 'c.png');
      const body = await json(res);
      expect(body).toMatchObject({ task: 'classify', rocket: { name: 'colour', version: '1.0.0' } });
      expect(body.predictions).toHaveLength(3);
      expect(body.predictions[0]).toMatchObject({ label, class: cls });
      const total = body.predictions.reduce((s: number, p: { confidence: number }) => s + p.confidence, 0);
      expect(total).toBeCloseTo(1, 3);
    },
  );

  it('honours topk', async () => {
    const body = await json(await postImage(server().url, await solidImage([230, 20, 20]), '?topk=1'));
    expect(body.predictions).toHaveLength(1);
  });
});

it('the README curl example image exists after the build', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const example = /curl -F input=@(\S+) localhost:5042\/process/.exec(readme)?.[1];
  expect(example).toBeDefined();
  expect(readFileSync(join(import.meta.dirname, '..', '..', example as string)).length).toBeGreaterThan(1000);
});
