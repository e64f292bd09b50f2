import { beforeAll, describe, expect, it } from 'vitest';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { json } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';

describe('routes existing clients call, on the demo detector', () => {
  const server = useServer('npm start server');
  let base64: string;
  beforeAll(async () => {
    base64 = (await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 })).toString('base64');
  });

  const predict = (body: unknown) =>
    fetch(`${server().url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('GET /isAlive → true', async () => {
    const res = await fetch(`${server().url}/isAlive`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('true');
  });

  it('POST /predict {"image": base64, "model": name} → the detections and the processing time', async () => {
    const body = await json(await predict({ image: base64, model: 'demo-detector' }));
    expect(body.detections.map((d: { label: string }) => d.label).sort()).toEqual(['blue', 'green', 'red']);
    expect(body.processingTimeMs).toBe(body.timing.totalMs);
    const dataUrl = await json(await predict({ image: `data:image/jpeg;base64,${base64}` }));
    expect(dataUrl.detections).toHaveLength(3);
  });

  it.each([
    [{ image: 'x', model: 'yolov5s' }, 404, 'MODEL_NOT_FOUND'],
    [{ model: 'demo-detector' }, 400, 'MISSING_INPUT'],
    [{ image: Buffer.from('not an image').toString('base64') }, 422, 'IMAGE_UNDECODABLE'],
  ])('%j → %i %s', async (body, status, code) => {
    const res = await predict(body);
    expect(res.status).toBe(status);
    expect((await json(res)).error.code).toBe(code);
  });

  it('/prediction/ on an image rocket says it serves tabular rockets', async () => {
    const res = await fetch(`${server().url}/prediction/?f=0.05`);
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('UNSUPPORTED_INPUT');
  });
});
