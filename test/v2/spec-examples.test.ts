import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferV2 } from '../../src/v2/infer.js';
import type { V2Model } from '../../src/v2/model.js';
import { buildSpecModel, inProcessModel } from './models.js';
import { binaryBody, bytesOf, jsonBody, readReply } from './wire.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));

/** The specification's example request with input1 given the three elements its shape says. */
function consistentRequest() {
  const request = fixture('infer-request.json');
  request.inputs[1].data = [true, false, true];
  return request;
}

/** Documented float values compared with float32 results. */
function expectOutputLike(actual: { data: number[] }, documented: { data: number[] }) {
  expect(actual.data).toHaveLength(documented.data.length);
  for (const [i, v] of documented.data.entries()) expect(actual.data[i]).toBeCloseTo(v, 6);
}

describe('the Open Inference Protocol specification examples', () => {
  let model: V2Model;
  beforeAll(async () => {
    model = await inProcessModel(buildSpecModel(), 'mymodel');
  });

  it('refuses the documented request as written: input1 has shape [3] but one element', async () => {
    await expect(inferV2(model, jsonBody(fixture('infer-request.json')), undefined)).rejects.toMatchObject({
      status: 400,
      message: 'Input "input1" has shape [3] (3 elements) but data has 1 elements',
    });
  });

  it('answers the request (shape made consistent) with the documented response', async () => {
    const reply = await inferV2(model, jsonBody(consistentRequest()), undefined);
    expect(reply.headers['content-type']).toContain('application/json');
    const { json } = readReply(reply);
    const documented = fixture('infer-response.json');
    expect(json).toMatchObject({ id: documented.id, model_name: 'mymodel', model_version: '1' });
    const { data, ...meta } = json.outputs[0];
    const { data: _, ...documentedMeta } = documented.outputs[0];
    expect(meta).toEqual(documentedMeta);
    expectOutputLike({ data }, documented.outputs[0]);
  });

  it('answers the binary extension example with the documented header and 24 bytes of FP32', async () => {
    const { body, header } = binaryBody(
      fixture('binary-request.json'),
      bytesOf(Uint32Array.from([1, 2, 3, 4])),
      Uint8Array.from([1, 0, 1]),
    );
    expect(body.length - Number(header)).toBe(19); // "the total size of the binary data is 19 bytes"
    const reply = await inferV2(model, body, header);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    const { json, binary } = readReply(reply);
    expect(json).toMatchObject(fixture('binary-response.json'));
    expect(binary.length).toBe(24);
    const values = Array.from(new Float32Array(Uint8Array.from(binary).buffer));
    expectOutputLike({ data: values }, fixture('infer-response.json').outputs[0]);
  });

  describe('errors, as 400 {"error"} naming the problem', () => {
    type Request = ReturnType<typeof consistentRequest>;
    const cases: [string, (r: Request) => void, RegExp][] = [
      [
        'a wrong datatype',
        (r) => {
          r.inputs[0].datatype = 'INT32';
        },
        /Input "input0" has datatype INT32 but the model expects UINT32/,
      ],
      [
        'an unknown input',
        (r) => {
          r.inputs[1].name = 'input2';
        },
        /Unknown input "input2"; the model's inputs are: input0, input1/,
      ],
      [
        "a shape against the model's dims",
        (r) => {
          r.inputs[0].shape = [4, 1];
        },
        /Input "input0" has shape \[4,1\] but the model expects \[2,2\]/,
      ],
      [
        "a rank against the model's",
        (r) => {
          r.inputs[0].shape = [4];
        },
        /has shape \[4\] but the model expects \[2,2\]/,
      ],
      ['a missing input', (r) => r.inputs.pop(), /Missing input\(s\): input1/],
      ['an input given twice', (r) => r.inputs.push(r.inputs[0]), /Input "input0" is given more than once/],
      [
        'an unknown output',
        (r) => {
          r.outputs[0].name = 'output9';
        },
        /Unknown output "output9"/,
      ],
      [
        'an unsupported datatype name',
        (r) => {
          r.inputs[0].datatype = 'FLOAT32';
        },
        /inputs\[0\]\.datatype: Invalid option/,
      ],
      [
        'no inputs',
        (r) => {
          r.inputs = [];
        },
        /inputs: Too small/,
      ],
      [
        'data and binary_data_size both',
        (r) => {
          r.inputs[0].parameters = { binary_data_size: 16 };
        },
        /both data and binary_data_size/,
      ],
      [
        'an input without data',
        (r) => {
          delete r.inputs[0].data;
        },
        /Input "input0" has no data/,
      ],
      [
        'a non-boolean binary_data',
        (r) => {
          r.outputs[0].parameters = { binary_data: 'yes' };
        },
        /binary_data must be true or false/,
      ],
    ];
    it.each(cases)('%s', async (_, change, message) => {
      const request = consistentRequest();
      change(request);
      await expect(inferV2(model, jsonBody(request), undefined)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(message),
      });
    });

    it('malformed JSON', async () => {
      await expect(inferV2(model, Buffer.from('{"inputs": ['), undefined)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(/^The inference request is not valid JSON: /),
      });
    });

    it('binary data that does not match the header or the sizes', async () => {
      const request = fixture('binary-request.json');
      const input0 = bytesOf(Uint32Array.from([1, 2, 3, 4]));
      const attempts: [Buffer, string, RegExp][] = [
        [
          binaryBody(request, input0).body,
          binaryBody(request, input0).header,
          /binary_data_size 3 goes past the end/,
        ],
        [
          binaryBody(request, input0, Uint8Array.from([1, 0, 1, 1])).body,
          binaryBody(request).header,
          /1 bytes of binary data that no input/,
        ],
        [binaryBody(request, input0).body, '99999', /Inference-Header-Content-Length must be an integer/],
        [binaryBody(request, input0).body, '12', /not valid JSON/],
      ];
      for (const [body, header, message] of attempts) {
        await expect(inferV2(model, body, header)).rejects.toMatchObject({
          status: 400,
          message: expect.stringMatching(message),
        });
      }
      const short = {
        ...request,
        inputs: [{ ...request.inputs[0], parameters: { binary_data_size: 12 } }, request.inputs[1]],
      };
      const wrong = binaryBody(short, input0.subarray(0, 12), Uint8Array.from([1, 0, 1]));
      await expect(inferV2(model, wrong.body, wrong.header)).rejects.toMatchObject({
        message: 'Input "input0": 4 UINT32 elements take 16 bytes but binary_data_size is 12',
      });
    });
  });
});
