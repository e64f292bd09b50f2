import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';
import { binaryBody, binaryInput, bytesOf, splitReply } from './wire.js';

noteIfNoShared('the v2 YOLOv8n tests');

const MODEL = shared('models', 'detection', 'yolov8n_int8_640.onnx');
const NAME = 'yolov8n_int8_640';

/** bus.jpg stretched to 640×640, as a [1, 3, 640, 640] FP32 tensor of RGB / 255. */
async function busTensor(): Promise<Float32Array> {
  const { data } = await sharp(shared('images', 'bus.jpg'))
    .resize(640, 640, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = 640 * 640;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 3 + c] as number) / 255;
  return out;
}

/** Largest absolute difference, relative to the largest magnitude of `expected`. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

describe.skipIf(!hasShared)('v2 infer on YOLOv8n int8 (real model)', () => {
  let tensor: Float32Array;
  let reference: Float32Array;

  beforeAll(async () => {
    tensor = await busTensor();
    const session = await ort.InferenceSession.create(MODEL);
    const out = await session.run({ images: new ort.Tensor('float32', tensor, [1, 3, 640, 640]) });
    expect(out.output0?.dims).toEqual([1, 84, 8400]);
    reference = out.output0?.data as Float32Array;
    await session.release();
  });
  const server = useServer('npm start server', {
    ROCKET_URL: MODEL,
    MAX_UPLOAD_BYTES: String(64 * 1024 * 1024),
  });

  const infer = (body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${server().url}/v2/models/${NAME}/infer`, { method: 'POST', body, headers });

  it('serves metadata for the rocket', async () => {
    const meta = await (await fetch(`${server().url}/v2/models/${NAME}`)).json();
    expect(meta).toMatchObject({
      name: NAME,
      inputs: [{ name: 'images', datatype: 'FP32', shape: [1, 3, 640, 640] }],
      outputs: [{ name: 'output0', datatype: 'FP32', shape: [1, 84, 8400] }],
    });
  });

  it('gives the in-process output for a raw FP32 tensor in JSON and in binary form', async () => {
    const json = JSON.stringify({
      inputs: [{ name: 'images', shape: [1, 3, 640, 640], datatype: 'FP32', data: Array.from(tensor) }],
    });
    const jsonRes = await infer(json, { 'content-type': 'application/json' });
    expect(jsonRes.status).toBe(200);
    const fromJson = (await jsonRes.json()) as { outputs: { shape: number[]; data: number[] }[] };
    expect(fromJson.outputs[0]?.shape).toEqual([1, 84, 8400]);
    expect(relativeError(fromJson.outputs[0]?.data ?? [], reference)).toBeLessThan(1e-4);

    const request = {
      inputs: [binaryInput('images', [1, 3, 640, 640], tensor.byteLength)],
      parameters: { binary_data_output: true },
    };
    const { body, header } = binaryBody(request, bytesOf(tensor));
    const binRes = await infer(body, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': header,
    });
    expect(binRes.status).toBe(200);
    const reply = splitReply(
      new Uint8Array(await binRes.arrayBuffer()),
      binRes.headers.get('inference-header-content-length'),
    );
    expect(reply.json.outputs[0]).toEqual({
      name: 'output0',
      datatype: 'FP32',
      shape: [1, 84, 8400],
      parameters: { binary_data_size: 84 * 8400 * 4 },
    });
    const fromBinary = new Float32Array(Uint8Array.from(reply.binary).buffer);
    expect(relativeError(fromBinary, reference)).toBeLessThan(1e-4);
    // The JSON numbers are the float32 values exactly: the two forms agree bit for bit.
    expect(Array.from(fromBinary)).toEqual(fromJson.outputs[0]?.data);
  });
});
