import { describe, expect, it } from 'vitest';
import { json } from '../helpers/http.js';
import { writeColourRocket } from '../helpers/models.js';
import { useServer } from '../helpers/server.js';
import { binaryBody, binaryInput, bytesOf, splitReply } from './wire.js';

/** A [n, 3, 16, 16] tensor whose first image is saturated red and the others blue. */
function pixels(n: number): Float32Array {
  const t = new Float32Array(n * 3 * 256);
  for (let i = 0; i < n; i++) t.fill(0.9, i * 768 + (i === 0 ? 0 : 512), i * 768 + (i === 0 ? 256 : 768));
  return t;
}

const input = (data: Float32Array, n: number) => ({
  name: 'pixels',
  shape: [n, 3, 16, 16],
  datatype: 'FP32',
  data: Array.from(data),
});

describe('Open Inference Protocol v2 over HTTP (colour rocket)', () => {
  const server = useServer('npm start server', () => ({
    ROCKET_URL: writeColourRocket(),
    MAX_UPLOAD_BYTES: String(64 * 1024),
  }));
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${server().url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('answers server metadata, liveness and readiness', async () => {
    expect(await json(await fetch(`${server().url}/v2`))).toEqual({
      name: 'rocketserve',
      version: expect.any(String),
      extensions: ['binary_tensor_data'],
    });
    const live = await fetch(`${server().url}/v2/health/live`);
    expect([live.status, await json(live)]).toEqual([200, { live: true }]);
    const ready = await fetch(`${server().url}/v2/health/ready`);
    expect([ready.status, await json(ready)]).toEqual([200, { ready: true }]);
    const model = await fetch(`${server().url}/v2/models/colour/versions/1.0.0/ready`);
    expect([model.status, await json(model)]).toEqual([200, { name: 'colour', ready: true }]);
  });

  it('answers model metadata by name and by name and version', async () => {
    const expected = {
      name: 'colour',
      versions: ['1.0.0'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 3, 16, 16] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 3] }],
    };
    expect(await json(await fetch(`${server().url}/v2/models/colour`))).toEqual(expected);
    expect(await json(await fetch(`${server().url}/v2/models/colour/versions/1.0.0`))).toEqual(expected);
  });

  it('answers 404 {"error"} for an unknown model or version, on every model route', async () => {
    for (const path of ['/v2/models/nope', '/v2/models/nope/ready', '/v2/models/colour/versions/2']) {
      const res = await fetch(`${server().url}${path}`);
      expect(res.status).toBe(404);
      expect(await json(res)).toEqual({
        error: expect.stringMatching(/^Unknown (model "nope"|version "2")/),
      });
    }
    const res = await post('/v2/models/nope/infer', JSON.stringify({ inputs: [input(pixels(1), 1)] }));
    expect([res.status, await json(res)]).toEqual([
      404,
      { error: 'Unknown model "nope"; this server serves "colour"' },
    ]);
  });

  it('infers a JSON batch in a worker: red then blue', async () => {
    const res = await post(
      '/v2/models/colour/infer',
      JSON.stringify({ id: 'a1', inputs: [input(pixels(2), 2)] }),
    );
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ model_name: 'colour', model_version: '1.0.0', id: 'a1' });
    expect(body.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [2, 3] });
    for (const [i, v] of [9, -4.5, -4.5, -4.5, -4.5, 9].entries())
      expect(body.outputs[0].data[i]).toBeCloseTo(v, 4);
  });

  it('infers the same numbers with binary tensor data in and out', async () => {
    const data = pixels(2);
    const asJson = await json(
      await post('/v2/models/colour/infer', JSON.stringify({ inputs: [input(data, 2)] })),
    );
    const request = {
      inputs: [binaryInput('pixels', [2, 3, 16, 16], data.byteLength)],
      outputs: [{ name: 'logits', parameters: { binary_data: true } }],
    };
    const { body, header } = binaryBody(request, bytesOf(data));
    const res = await post('/v2/models/colour/versions/1.0.0/infer', body, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': header,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const reply = splitReply(
      new Uint8Array(await res.arrayBuffer()),
      res.headers.get('inference-header-content-length'),
    );
    expect(reply.json.outputs[0]).toEqual({
      name: 'logits',
      datatype: 'FP32',
      shape: [2, 3],
      parameters: { binary_data_size: 24 },
    });
    expect(Array.from(new Float32Array(Uint8Array.from(reply.binary).buffer))).toEqual(
      asJson.outputs[0].data,
    );
  });

  it('answers 400 {"error"} for bad requests and 413 over MAX_UPLOAD_BYTES', async () => {
    const bad: [string, string, RegExp][] = [
      ['malformed JSON', '{"inputs": [', /^The inference request is not valid JSON/],
      [
        'shape vs data',
        JSON.stringify({ inputs: [{ ...input(pixels(1), 1), shape: [2, 3, 16, 16] }] }),
        /\(1536 elements\) but data has 768/,
      ],
      [
        'fixed dims',
        JSON.stringify({ inputs: [{ ...input(new Float32Array(192), 1), shape: [1, 3, 8, 8] }] }),
        /shape \[1,3,8,8\] but the model expects \[-1,3,16,16\]/,
      ],
      [
        'datatype',
        JSON.stringify({ inputs: [{ ...input(pixels(1), 1), datatype: 'FP64' }] }),
        /datatype FP64 but the model expects FP32/,
      ],
      [
        'unknown input',
        JSON.stringify({ inputs: [{ ...input(pixels(1), 1), name: 'image' }] }),
        /Unknown input "image"; the model's inputs are: pixels/,
      ],
    ];
    for (const [, body, message] of bad) {
      const res = await post('/v2/models/colour/infer', body);
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: expect.stringMatching(message) });
    }
    const big = await post('/v2/models/colour/infer', JSON.stringify({ inputs: [input(pixels(20), 20)] }));
    expect(big.status).toBe(413);
    expect(await json(big)).toEqual({ error: expect.stringContaining('MAX_UPLOAD_BYTES') });
    // The catalogue's shape stays on the other routes.
    expect(await json(await fetch(`${server().url}/nope`))).toMatchObject({
      error: { code: 'ROUTE_NOT_FOUND' },
    });
  });
});

describe('Open Inference Protocol v2 under functions-framework (colour rocket)', () => {
  const server = useServer('functions-framework', () => ({ ROCKET_URL: writeColourRocket() }));

  it('answers metadata, and the same numbers for JSON and binary infer on the bodies Express buffered', async () => {
    const meta = await json(await fetch(`${server().url}/v2/models/colour`));
    expect(meta.inputs).toEqual([{ name: 'pixels', datatype: 'FP32', shape: [-1, 3, 16, 16] }]);
    const data = pixels(1);
    const asJson = await json(
      await fetch(`${server().url}/v2/models/colour/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [input(data, 1)] }),
      }),
    );
    const request = {
      inputs: [binaryInput('pixels', [1, 3, 16, 16], data.byteLength)],
      parameters: { binary_data_output: true },
    };
    const { body, header } = binaryBody(request, bytesOf(data));
    const res = await fetch(`${server().url}/v2/models/colour/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': header },
      body,
    });
    expect(res.status).toBe(200);
    const reply = splitReply(
      new Uint8Array(await res.arrayBuffer()),
      res.headers.get('inference-header-content-length'),
    );
    expect(Array.from(new Float32Array(Uint8Array.from(reply.binary).buffer))).toEqual(
      asJson.outputs[0].data,
    );
    expect(asJson.outputs[0].data[0]).toBeCloseTo(9, 4);
  });
});
