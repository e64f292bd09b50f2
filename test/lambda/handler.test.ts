import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RocketApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { demoScenes, renderDemoScene } from '../../src/demo/images.js';
import { createLambdaHandler } from '../../src/lambda/handler.js';
import { createLogger } from '../../src/log.js';
import { type Json, multipart } from '../helpers/http.js';
import { type RunningServer, startServer } from '../helpers/server.js';
import { fixture } from './fixture.js';

const newApp = () =>
  new RocketApp(
    loadConfig({ env: { WORKERS: '1' }, cwd: tmpdir() }),
    createLogger('error', () => {}),
  );

const withoutTiming = ({ timing, ...rest }: Json) => {
  expect(timing.totalMs).toBeGreaterThan(0);
  return rest;
};

describe('Lambda handler (payload v2.0 events)', () => {
  const createApp = vi.fn(newApp);
  const lambda = createLambdaHandler({ createApp });
  let server: RunningServer;
  let shapes: Buffer;

  beforeAll(async () => {
    shapes = await renderDemoScene(demoScenes.shapes, { format: 'jpeg', quality: 90 });
    server = await startServer('npm start server');
  });
  afterAll(async () => {
    await server?.stop();
    await lambda.warm().close();
  });

  it('answers a Function URL multipart event with the same JSON as POST /process', async () => {
    const { body, contentType } = multipart([
      { name: 'input', filename: 'shapes.jpg', type: 'image/jpeg', data: shapes },
    ]);
    const result = await lambda.handle(fixture('function-url-multipart', body, contentType));
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    const fromLambda = JSON.parse(result.body);

    const res = await fetch(`${server.url}/process`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(res.status).toBe(200);
    const fromHttp = await res.json();

    expect(withoutTiming(fromLambda)).toEqual(withoutTiming(fromHttp));
    expect(fromLambda.detections.map((d: Json) => d.label).sort()).toEqual(['blue', 'green', 'red']);
  });

  it('answers an HTTP API event on a named stage, with a raw image body and its query string', async () => {
    const png = await renderDemoScene(demoScenes.near);
    const result = await lambda.handle(fixture('http-api-v2-raw-image', png));
    expect(result.statusCode).toBe(200);
    const json = JSON.parse(result.body);
    expect(json.image).toEqual({ width: 640, height: 480 });
    expect(json.detections).toHaveLength(2); // maxDetections=2 from rawQueryString
    for (const d of json.detections) expect(d.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('returns an image response (format=image) base64-encoded', async () => {
    const event = fixture('http-api-v2-raw-image', shapes, 'image/jpeg');
    event.rawQueryString = 'format=image';
    const result = await lambda.handle(event);
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toBe('image/jpeg');
    expect(result.isBase64Encoded).toBe(true);
    const jpeg = Buffer.from(result.body, 'base64');
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const { width, height } = await sharp(jpeg).metadata();
    expect({ width, height }).toEqual({ width: 640, height: 480 });
  });

  it('passes the query string through to the parameter checks', async () => {
    const event = fixture('http-api-v2-raw-image', shapes, 'image/jpeg');
    event.rawQueryString = 'confidence=2';
    const result = await lambda.handle(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.code).toBe('INVALID_PARAMETER');
  });

  it('answers GET /health from a Function URL event without a body', async () => {
    const result = await lambda.handle(fixture('function-url-get-health'));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok', device: 'cpu', executionProvider: 'cpu' });
  });

  it('answers HEAD /health as GET without the body', async () => {
    const get = await lambda.handle(fixture('function-url-get-health'));
    const head = fixture('function-url-get-health');
    head.requestContext.http.method = 'HEAD';
    const result = await lambda.handle(head);
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('');
    expect(result.headers['content-type']).toBe(get.headers['content-type']);
    expect(result.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
  });

  it('holds bodies to MAX_UPLOAD_BYTES, not to a 6 MB check Lambda makes before the handler', async () => {
    const small = createLambdaHandler({
      createApp: () =>
        new RocketApp(
          loadConfig({ env: { WORKERS: '1', MAX_UPLOAD_BYTES: '4096' }, cwd: tmpdir() }),
          createLogger('error', () => {}),
        ),
    });
    const result = await small.handle(
      fixture('http-api-v2-raw-image', Buffer.alloc(8192, 0xab), 'image/jpeg'),
    );
    expect(result.statusCode).toBe(413);
    const { error } = JSON.parse(result.body);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toContain('4096 bytes (MAX_UPLOAD_BYTES)');
    await small.warm().close();
  });

  it('maps unknown paths and methods through the error catalogue', async () => {
    const missing = fixture('function-url-get-health');
    missing.rawPath = '/nope';
    expect(JSON.parse((await lambda.handle(missing)).body).error.code).toBe('ROUTE_NOT_FOUND');
    const wrongMethod = fixture('function-url-get-health');
    wrongMethod.requestContext.http.method = 'DELETE';
    const result = await lambda.handle(wrongMethod);
    expect(result.statusCode).toBe(405);
    expect(result.headers.allow).toBe('GET, HEAD');
  });

  it('creates the app once and reuses it across invocations', () => {
    expect(createApp).toHaveBeenCalledTimes(1);
  });
});

describe('Lambda handler when the rocket cannot load', () => {
  it('answers every invocation with the startup error code', async () => {
    const app = new RocketApp(
      loadConfig({ env: { ROCKET_URL: '/no/such/rocket.onnx' }, cwd: tmpdir() }),
      createLogger('error', () => {}),
    );
    const lambda = createLambdaHandler({ createApp: () => app });
    const result = await lambda.handle(fixture('function-url-get-health'));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body).error.code).toBe('ROCKET_NOT_FOUND');
    // On /v2 paths the error is the protocol's string, its code in X-Error-Code.
    const v2 = fixture('function-url-get-health');
    v2.rawPath = '/v2/health/ready';
    const onV2 = await lambda.handle(v2);
    expect(onV2.statusCode).toBe(500);
    expect(typeof JSON.parse(onV2.body).error).toBe('string');
    expect(onV2.headers['x-error-code']).toBe('ROCKET_NOT_FOUND');
  });
});
