import type { InferReply } from '../../src/v2/infer.js';

/** A JSON request body (no binary part). */
export const jsonBody = (request: unknown) => Buffer.from(JSON.stringify(request));

/** A binary-extension body: the JSON request, then the binary chunks; and its header value. */
export function binaryBody(request: unknown, ...chunks: Uint8Array[]): { body: Buffer; header: string } {
  const json = Buffer.from(JSON.stringify(request));
  return { body: Buffer.concat([json, ...chunks]), header: String(json.length) };
}

/** An FP32 input entry whose data is the next `bytes` bytes of the binary part. */
export const binaryInput = (name: string, shape: number[], bytes: number) => ({
  name,
  shape,
  datatype: 'FP32',
  parameters: { binary_data_size: bytes },
});

/** Splits a response into its JSON and its binary part (after Inference-Header-Content-Length). */
export function splitReply(body: Uint8Array, header: string | null | undefined) {
  const length = header === undefined || header === null ? body.length : Number(header);
  // biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary response JSON
  const json: any = JSON.parse(Buffer.from(body.subarray(0, length)).toString('utf8'));
  return { json, binary: Buffer.from(body.subarray(length)) };
}

/** {@link splitReply} of an {@link InferReply}. */
export const readReply = (reply: InferReply) =>
  splitReply(reply.body, reply.headers['inference-header-content-length']);

/** The bytes of a typed array. */
export const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
