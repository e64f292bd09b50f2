import { beforeAll, describe, expect, it } from 'vitest';
import { inferV2 } from '../../src/v2/infer.js';
import type { V2Model } from '../../src/v2/model.js';
import { buildHalfModel, buildTypesModel, inProcessModel } from './models.js';
import { binaryBody, bytesOf, jsonBody, readReply } from './wire.js';

const TYPES_REQUEST = {
  inputs: [
    { name: 'i64', shape: [2], datatype: 'INT64', data: [9007199254740990, -5] },
    { name: 'i32', shape: [2], datatype: 'INT32', data: [[2147483646], [-7]] },
    { name: 'u8', shape: [4], datatype: 'UINT8', data: [0, 1, 254, 255] },
    { name: 'flags', shape: [3], datatype: 'BOOL', data: [true, false, true] },
    { name: 'words', shape: [2], datatype: 'BYTES', data: ['rocket', 'größe'] },
  ],
};

describe('v2 datatypes through onnxruntime', () => {
  let types: V2Model;
  let half: V2Model;
  beforeAll(async () => {
    types = await inProcessModel(buildTypesModel(), 'types');
    half = await inProcessModel(buildHalfModel(), 'half');
  });

  it('takes and returns INT64, INT32, UINT8, BOOL and BYTES as JSON', async () => {
    const { json } = readReply(await inferV2(types, jsonBody(TYPES_REQUEST), undefined));
    const byName = Object.fromEntries(json.outputs.map((o: { name: string }) => [o.name, o]));
    expect(byName.i64_out).toEqual({
      name: 'i64_out',
      datatype: 'INT64',
      shape: [2],
      data: [9007199254740991, -4],
    });
    expect(byName.i32_out).toEqual({
      name: 'i32_out',
      datatype: 'INT32',
      shape: [2],
      data: [2147483647, -6],
    });
    expect(byName.u8_out).toEqual({ name: 'u8_out', datatype: 'UINT8', shape: [4], data: [0, 1, 254, 255] });
    expect(byName.flags_out).toEqual({
      name: 'flags_out',
      datatype: 'BOOL',
      shape: [3],
      data: [false, true, false],
    });
    expect(byName.words_out).toEqual({
      name: 'words_out',
      datatype: 'BYTES',
      shape: [2],
      data: ['rocket', 'größe'],
    });
    expect(json.model_name).toBe('types');
  });

  it('takes every input as binary data and returns every output as binary data, same values', async () => {
    const words = Buffer.concat(
      ['rocket', 'größe'].flatMap((w) => {
        const b = Buffer.from(w);
        const n = Buffer.alloc(4);
        n.writeUInt32LE(b.length);
        return [n, b];
      }),
    );
    const chunks = [
      bytesOf(BigInt64Array.from([9007199254740990n, -5n])),
      bytesOf(Int32Array.from([2147483646, -7])),
      Uint8Array.from([0, 1, 254, 255]),
      Uint8Array.from([1, 0, 1]),
      words,
    ];
    const request = {
      parameters: { binary_data_output: true },
      inputs: TYPES_REQUEST.inputs.map(({ data: _data, ...rest }, i) => ({
        ...rest,
        parameters: { binary_data_size: chunks[i]?.length },
      })),
    };
    const { body, header } = binaryBody(request, ...chunks);
    const reply = await inferV2(types, body, header);
    expect(reply.headers['content-type']).toBe('application/octet-stream');
    const { json, binary } = readReply(reply);
    const sizes = json.outputs.map(
      (o: { parameters: { binary_data_size: number } }) => o.parameters.binary_data_size,
    );
    expect(sizes).toEqual([16, 8, 4, 3, words.length]);
    expect(json.outputs.every((o: object) => !('data' in o))).toBe(true);
    let at = 0;
    const take = (n: number) => {
      at += n;
      return binary.subarray(at - n, at);
    };
    expect([...new BigInt64Array(Uint8Array.from(take(16)).buffer)]).toEqual([9007199254740991n, -4n]);
    expect([...new Int32Array(Uint8Array.from(take(8)).buffer)]).toEqual([2147483647, -6]);
    expect([...take(4)]).toEqual([0, 1, 254, 255]);
    expect([...take(3)]).toEqual([0, 1, 0]);
    expect(take(words.length)).toEqual(words);
    expect(at).toBe(binary.length);
  });

  it('takes FP16 as JSON numbers and as binary bits, and returns FP16 rounded to half precision', async () => {
    const values = [1, -2.5, 0.1, 65504];
    const request = (data?: number[], size?: number) => ({
      inputs: [
        {
          name: 'half',
          shape: [2, 2],
          datatype: 'FP16',
          ...(data ? { data } : { parameters: { binary_data_size: size } }),
        },
      ],
      outputs: [{ name: 'half_out', parameters: { binary_data: true } }, { name: 'single' }],
    });
    const fromJson = readReply(await inferV2(half, jsonBody(request(values)), undefined));
    const bits = Uint16Array.from([0x3c00, 0xc100, 0x2e66, 0x7bff]); // 1, -2.5, 0.0999755859375, 65504
    expect([...new Uint16Array(Uint8Array.from(fromJson.binary).buffer)]).toEqual([...bits]);
    expect(fromJson.json.outputs[1]).toEqual({
      name: 'single',
      datatype: 'FP32',
      shape: [2, 2],
      data: [1, -2.5, 0.0999755859375, 65504],
    });
    const { body, header } = binaryBody(request(undefined, 8), bytesOf(bits));
    const fromBinary = readReply(await inferV2(half, body, header));
    expect(fromBinary.json.outputs[1].data).toEqual(fromJson.json.outputs[1].data);
    const asJson = readReply(await inferV2(half, jsonBody({ inputs: request(values).inputs }), undefined));
    expect(asJson.json.outputs[0]).toMatchObject({
      datatype: 'FP16',
      data: [1, -2.5, 0.0999755859375, 65504],
    });
  });

  it('checks element ranges and kinds per datatype', async () => {
    const withInput = (name: string, data: unknown[]) => ({
      inputs: TYPES_REQUEST.inputs.map((i) => (i.name === name ? { ...i, data } : i)),
    });
    const cases: [string, unknown[], RegExp][] = [
      [
        'u8',
        [0, 1, 256, 3],
        /Input "u8" \(UINT8\) element 2: expected an integer from 0 to 255 but received 256/,
      ],
      ['i32', [1.5, 2], /element 0: expected an integer/],
      ['flags', [true, 'yes', false], /element 1: expected true or false but received "yes"/],
      ['words', ['a', 7], /element 1: expected a string but received 7/],
      ['i64', [1, 2 ** 60], /element 1: expected an integer from/],
    ];
    for (const [name, data, message] of cases) {
      await expect(inferV2(types, jsonBody(withInput(name, data)), undefined)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
  });
});
